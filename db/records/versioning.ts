// Versioned registries (Transform, Artifact, Collection, RunBlock): uids share a stem within a
// family, the suffix is the family's highest plus one, and is_latest is kept per family and branch,
// all inside the saving transaction, serialised per family by an advisory lock.
import type { Knex } from "knex";
import { InvalidArgument } from "../errors";
import { warn } from "../logger";
import type { ModelSpec } from "../schema/fields";
import { rowsOf } from "../instance";
import { sql } from "../query/sql";
import { TRASH_BRANCH_ID } from "../schema/branches";
import { nextVersionUid, newVersionedUid, VERSION_SUFFIX_LENGTH } from "../uid";

export type FamilyDecision =
  | { kind: "new" }
  | { kind: "revise"; stem: string; revisesId?: number; revisesTag?: string | null }
  | { kind: "adopt"; row: Record<string, unknown> };

export function stemOf(model: ModelSpec, uid: string): string {
  return uid.slice(0, model.uid!.stemLength ?? model.uid!.length - VERSION_SUFFIX_LENGTH);
}

export async function lockFamily(trx: Knex.Transaction, model: ModelSpec, stem: string): Promise<void> {
  await rowsOf(trx, sql`SELECT pg_advisory_xact_lock(hashtext(${`${model.table}:${stem}`}))`);
}

// left(uid, n) = stem, not LIKE: the comparison must not depend on the collation
const inFamily = (stem: string) => sql`left(uid, ${stem.length}) = ${stem}`;

export async function familyUids(trx: Knex.Transaction, model: ModelSpec, stem: string): Promise<string[]> {
  const rows = await rowsOf(trx, sql`SELECT uid FROM ${sql.ident(model.table)} WHERE ${inFamily(stem)}`);
  return rows.map((x) => String(x.uid));
}

/** The uid for a new record: a new family, or the next version of `stem`. */
export async function versionedUid(
  trx: Knex.Transaction,
  model: ModelSpec,
  decision: FamilyDecision,
): Promise<string> {
  if (decision.kind !== "revise") return newVersionedUid(model.uid!.length);
  await lockFamily(trx, model, decision.stem);
  return nextVersionUid(decision.stem, await familyUids(trx, model, decision.stem));
}

/** After inserting a revision: the other members of the family on its branch stop being latest. */
export async function demoteOthers(
  trx: Knex.Transaction,
  model: ModelSpec,
  uid: string,
  branchId: number,
  id: number,
) {
  const family = inFamily(stemOf(model, uid));
  await rowsOf(
    trx,
    sql`UPDATE ${sql.ident(model.table)} SET is_latest = FALSE WHERE ${family} AND branch_id = ${branchId} AND id <> ${id} AND is_latest`,
  );
}

export interface VersionRow {
  id: number;
  uid: string;
  branch_id: number;
  is_latest: boolean;
}

/**
 * LaminDB's _adjust_is_latest_when_deleting_is_versioned: for every head among `leaving` (records
 * being trashed or deleted), the newest other version of its family on its branch (by created_at,
 * then id, not itself leaving) becomes latest. Returns the ids of the heads that got a successor; a
 * head without one (the family's only version on its branch) keeps is_latest, as in LaminDB.
 */
export async function promoteSuccessors(
  trx: Knex.Transaction,
  model: ModelSpec,
  leaving: VersionRow[],
): Promise<Set<number>> {
  const t = sql.ident(model.table);
  const ids = leaving.map((r) => r.id);
  const succeeded = new Set<number>();
  const groups = new Map<string, VersionRow[]>();
  for (const r of leaving.filter((x) => x.is_latest)) {
    const key = `${stemOf(model, r.uid)}\u0000${r.branch_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const heads of groups.values()) {
    const stem = stemOf(model, heads[0].uid);
    await lockFamily(trx, model, stem);
    const [next] = await rowsOf(
      trx,
      sql`UPDATE ${t} SET is_latest = TRUE WHERE id = (SELECT id FROM ${t} WHERE ${inFamily(stem)}
            AND branch_id = ${heads[0].branch_id} AND id NOT IN (${sql.list(ids)})
            ORDER BY created_at DESC, id DESC LIMIT 1) RETURNING id`,
    );
    if (next) for (const h of heads) succeeded.add(h.id);
  }
  return succeeded;
}

/** The latest live (not trashed) version matching `where`, newest first, or undefined. */
export async function latestLiveVersion(
  trx: Knex.Transaction,
  model: ModelSpec,
  where: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined> {
  return trx(model.table)
    .where({ ...where, is_latest: true })
    .andWhereNot("branch_id", TRASH_BRANCH_ID)
    .orderBy([
      { column: "created_at", order: "desc" },
      { column: "id", order: "desc" },
    ])
    .first();
}

/** Revises the family of the latest live version matching `where`, or starts a new family. */
export async function reviseLatest(
  trx: Knex.Transaction,
  model: ModelSpec,
  where: Record<string, unknown>,
): Promise<FamilyDecision> {
  const latest = await latestLiveVersion(trx, model, where);
  return latest ? { kind: "revise", stem: stemOf(model, String(latest.uid)) } : { kind: "new" };
}

/** An explicit `revises`: the record it revises must be saved and of the same registry. */
export interface Revisable {
  id?: number;
  uid: string;
  version_tag?: string | null;
}

export function checkRevises<T extends Revisable>(
  revises: T | undefined,
  cls: abstract new (...a: never[]) => T,
  registry: string,
): T | undefined {
  if (revises === undefined) return undefined;
  if (!(revises instanceof cls) || revises.id === undefined || revises.id === null) {
    throw new InvalidArgument(`revises must be a saved ${registry}`);
  }
  return revises;
}

/**
 * An explicit `revises` that was not the latest version when the record was constructed (LaminDB's
 * IsVersioned.__init__ sets _refresh_revises_if_stale): save revises from the family's live head on
 * the new record's branch, with LaminDB's warning when that head is another record.
 */
export async function reviseFromHead(
  trx: Knex.Transaction,
  model: ModelSpec,
  revises: Revisable,
  branchId: number,
): Promise<FamilyDecision> {
  const stem = stemOf(model, revises.uid);
  const [head] = await rowsOf(
    trx,
    sql`SELECT uid FROM ${sql.ident(model.table)} WHERE ${inFamily(stem)} AND is_latest
          AND branch_id = ${branchId} ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  if (head && String(head.uid) !== revises.uid)
    warn(
      `\`revises\` was not the latest version, updated it to the current head: ${model.name}(uid='${String(head.uid)}')`,
    );
  return { kind: "revise", stem };
}

/** The decision for an explicit `revises`. */
export function reviseExplicit(model: ModelSpec, revises: Revisable): FamilyDecision {
  return {
    kind: "revise",
    stem: stemOf(model, revises.uid),
    revisesId: revises.id!,
    revisesTag: revises.version_tag ?? null,
  };
}
