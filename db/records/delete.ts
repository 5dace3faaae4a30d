// Deleting: soft (to the trash branch, promoting a successor for versioned heads), restoring, and
// permanent deletes with the cascades LaminDB's ORM applies (the database declares none): CASCADE
// follows, PROTECT refuses, SET_NULL clears, all in one transaction.
import type { Knex } from "knex";
import { InvalidArgument, ProtectedError } from "../errors";
import { rowsOf, type Instance } from "../instance";
import { TRASH_BRANCH_ID } from "../schema/branches";
import { allSpecs, fieldOf } from "../schema/catalog";
import type { ForeignKeySpec, ModelSpec } from "../schema/fields";
import { compileWhere } from "../query/compiler";
import type { Query } from "../query/query";
import { sql } from "../query/sql";
import type { RegistryClass, SQLRecord } from "./sqlrecord";
import { promoteSuccessors, type VersionRow } from "./versioning";
import { explainMissedWrite } from "./write";

const hasBranch = (model: ModelSpec) => model.foreignKeys.some((fk) => fk.name === "branch");

export async function deleteRecord(
  record: SQLRecord,
  instance: Instance,
  permanent?: boolean,
): Promise<void> {
  const model = (record.constructor as RegistryClass).spec;
  if (record.id === undefined || record.id === null) throw new InvalidArgument(`${model.name} is not saved`);
  const branchId = (record as unknown as { branch_id?: number }).branch_id;
  if (permanent === undefined && branchId === TRASH_BRANCH_ID) {
    throw new InvalidArgument(
      `${model.name} ${record.id} is already in the trash: delete({ permanent: true }) deletes it for good`,
    );
  }
  if (!permanent) {
    if (!hasBranch(model)) {
      throw new InvalidArgument(
        `${model.name} records have no trash: delete({ permanent: true }) deletes for good`,
      );
    }
    await moveToBranch(record, instance, TRASH_BRANCH_ID);
    return;
  }
  await instance.transaction(async (trx) => {
    const t = sql.ident(model.table);
    if (fieldOf(model, "is_locked")) {
      const [row] = await instance.rows(
        sql`SELECT is_locked FROM ${t} WHERE id = ${record.id} FOR UPDATE`,
        trx,
      );
      if (!row || row.is_locked === true) await explainMissedWrite(model, record.id!, instance, trx);
    }
    // a deleted head hands is_latest to the newest remaining version of its family on its branch
    if (model.versioned)
      await promoteSuccessors(trx, model, await versionRows(instance, trx, model, [record.id!]));
    const { runArtifacts } = await deleteCascading(trx, model, [record.id!]);
    await cleanUpRunArtifacts(instance, trx, runArtifacts);
  });
  record.id = undefined;
}

/**
 * QuerySet.delete({ permanent: true }): every match deleted with what the ORM cascades to, in one
 * transaction, as delete({ permanent: true }) on each (locked records are left, as trashMatching
 * leaves them). Returns how many matched records were deleted.
 */
export async function deleteMatching(instance: Instance, model: ModelSpec, query: Query): Promise<number> {
  const { alias, where } = compileWhere(model, query);
  const t = sql.ident(model.table);
  const a = sql.ident(alias);
  const lock = fieldOf(model, "is_locked") ? sql` AND NOT is_locked` : sql``;
  return instance.transaction(async (trx) => {
    const ids = (
      await instance.rows(
        sql`SELECT id FROM ${t} WHERE id IN (SELECT ${a}.id FROM ${t} ${a} WHERE ${where})${lock} ORDER BY id FOR UPDATE`,
        trx,
      )
    ).map((r) => r.id as number | string);
    if (ids.length === 0) return 0;
    if (model.versioned) await promoteSuccessors(trx, model, await versionRows(instance, trx, model, ids));
    const { runArtifacts } = await deleteCascading(trx, model, ids);
    await cleanUpRunArtifacts(instance, trx, runArtifacts);
    return ids.length;
  });
}

/** The artifact kind LaminDB gives a run's report and environment. */
export const RUN_ARTIFACT_KIND = "__lamindb_run__";

/**
 * LaminDB's run cleanup (_permanent_delete_runs, models/_run_cleanup.py): after runs are deleted,
 * their report and environment artifacts are deleted permanently, each on its own: one that another
 * run still uses (PROTECT) or that is locked stays; the first of another kind than __lamindb_run__
 * ends the cleanup (LaminDB's assertion aborts it). LaminDB runs it in a background process after
 * the delete; here it is part of the delete's transaction.
 */
async function cleanUpRunArtifacts(
  instance: Instance,
  trx: Knex.Transaction,
  artifactIds: string[],
): Promise<void> {
  const artifact = allSpecs.find((m) => m.name === "Artifact")!;
  for (const id of artifactIds) {
    const [row] = await instance.rows(
      sql`SELECT id, kind, is_locked FROM lamindb_artifact WHERE id = ${id} FOR UPDATE`,
      trx,
    );
    if (!row) continue;
    if (row.kind !== RUN_ARTIFACT_KIND) return;
    if (row.is_locked === true) continue;
    try {
      // the collector only reads until it has found nothing protected, so a refusal changes nothing
      await deleteCascading(trx, artifact, [id], { dryRun: true });
    } catch (e) {
      if (e instanceof ProtectedError) continue;
      throw e;
    }
    await promoteSuccessors(trx, artifact, await versionRows(instance, trx, artifact, [id]));
    await deleteCascading(trx, artifact, [id]);
  }
}

async function versionRows(
  instance: Instance,
  trx: Knex.Transaction,
  model: ModelSpec,
  ids: Array<number | string>,
): Promise<VersionRow[]> {
  const rows = await instance.rows(
    sql`SELECT id, uid, branch_id, is_latest FROM ${sql.ident(model.table)} WHERE id IN (${sql.list(ids)}) FOR UPDATE`,
    trx,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    uid: String(r.uid),
    branch_id: Number(r.branch_id),
    is_latest: r.is_latest === true,
  }));
}

/**
 * Moves a record to another branch. To the trash as LaminDB's delete(): a head whose family has
 * another version on its branch hands is_latest to the newest one and is demoted; the only version
 * stays latest. Anywhere else (restore(), the archive) as LaminDB's save(): is_latest is unchanged.
 */
export async function moveToBranch(record: SQLRecord, instance: Instance, branchId: number): Promise<void> {
  const model = (record.constructor as RegistryClass).spec;
  if (!hasBranch(model)) throw new InvalidArgument(`${model.name} records have no branch`);
  if (record.id === undefined || record.id === null) throw new InvalidArgument(`${model.name} is not saved`);
  const t = sql.ident(model.table);
  const lock = fieldOf(model, "is_locked") ? sql` AND NOT is_locked` : sql``;
  const touch = fieldOf(model, "updated_at") ? sql`, updated_at = STATEMENT_TIMESTAMP()` : sql``;
  const rows = await instance.transaction(async (trx) => {
    let demote = sql``;
    if (model.versioned && branchId === TRASH_BRANCH_ID) {
      const [row] = await instance.rows(
        sql`SELECT is_locked FROM ${t} WHERE id = ${record.id} FOR UPDATE`,
        trx,
      );
      if (row && row.is_locked !== true) {
        const succeeded = await promoteSuccessors(
          trx,
          model,
          await versionRows(instance, trx, model, [record.id!]),
        );
        if (succeeded.size > 0) demote = sql`, is_latest = FALSE`;
      }
    }
    return instance.rows(
      sql`UPDATE ${t} SET branch_id = ${branchId}${demote}${touch} WHERE id = ${record.id}${lock} RETURNING *`,
      trx,
    );
  });
  if (rows.length === 0) await explainMissedWrite(model, record.id, instance);
  await record.refreshFromDb();
}

/**
 * QuerySet.delete(): every match to the trash in one UPDATE. Versioned heads first hand is_latest to
 * a successor as in delete(); LaminDB's QuerySet.delete() on Transform also clears is_latest on every
 * trashed transform, on other registries only heads that got a successor are demoted.
 */
export async function trashMatching(instance: Instance, model: ModelSpec, query: Query): Promise<number> {
  const { alias, where } = compileWhere(model, query);
  const t = sql.ident(model.table);
  const a = sql.ident(alias);
  const lock = fieldOf(model, "is_locked") ? sql` AND NOT is_locked` : sql``;
  const matching = sql`SELECT ${a}.id FROM ${t} ${a} WHERE ${where}`;
  return instance.transaction(async (trx) => {
    if (!model.versioned) {
      const moved = await instance.rows(
        sql`UPDATE ${t} SET branch_id = ${TRASH_BRANCH_ID} WHERE id IN (${matching})${lock} RETURNING id`,
        trx,
      );
      return moved.length;
    }
    const ids = (
      await instance.rows(sql`SELECT id FROM ${t} WHERE id IN (${matching})${lock} FOR UPDATE`, trx)
    ).map((r) => r.id as number | string);
    if (ids.length === 0) return 0;
    const succeeded = [
      ...(await promoteSuccessors(trx, model, await versionRows(instance, trx, model, ids))),
    ];
    const demote =
      model.name === "Transform"
        ? sql`, is_latest = FALSE`
        : succeeded.length > 0
          ? sql`, is_latest = (is_latest AND id NOT IN (${sql.list(succeeded)}))`
          : sql``;
    const moved = await instance.rows(
      sql`UPDATE ${t} SET branch_id = ${TRASH_BRANCH_ID}${demote} WHERE id IN (${sql.list(ids)}) RETURNING id`,
      trx,
    );
    return moved.length;
  });
}

interface IncomingKey {
  model: ModelSpec;
  fk: ForeignKeySpec;
}

function incomingKeys(target: ModelSpec): IncomingKey[] {
  return allSpecs.flatMap((m) =>
    m.foreignKeys.filter((fk) => fk.target === target.name).map((fk) => ({ model: m, fk })),
  );
}

/**
 * Collects everything a permanent delete reaches, like Django's Collector: CASCADE rows are deleted
 * too, SET_NULL columns cleared, and a PROTECT reference from a row that is not itself being
 * deleted refuses the whole delete.
 */
export async function deleteCascading(
  trx: Knex.Transaction,
  model: ModelSpec,
  ids: Array<number | string>,
  options: { dryRun?: boolean } = {},
): Promise<{ counts: Map<string, number>; runArtifacts: string[] }> {
  const doomed = new Map<string, Set<string>>(); // table -> ids (as strings, bigint-safe)
  const protect: Array<{ model: ModelSpec; fk: ForeignKeySpec; ids: string[] }> = [];
  const setNull: Array<{ model: ModelSpec; fk: ForeignKeySpec; ids: string[] }> = [];
  const queue: Array<{ model: ModelSpec; ids: string[] }> = [{ model, ids: ids.map(String) }];

  while (queue.length > 0) {
    const { model: m, ids: batch } = queue.shift()!;
    const seen = doomed.get(m.table) ?? new Set<string>();
    const fresh = batch.filter((id) => !seen.has(id));
    if (fresh.length === 0) continue;
    fresh.forEach((id) => seen.add(id));
    doomed.set(m.table, seen);
    for (const { model: src, fk } of incomingKeys(m)) {
      for (let i = 0; i < fresh.length; i += 10_000) {
        const chunk = fresh.slice(i, i + 10_000);
        const rows = await rowsOf(
          trx,
          sql`SELECT id FROM ${sql.ident(src.table)} WHERE ${sql.ident(fk.column)} IN (${sql.list(chunk)})`,
        );
        const found = rows.map((x) => String(x.id));
        if (found.length === 0) continue;
        if (fk.onDelete === "CASCADE") queue.push({ model: src, ids: found });
        else if (fk.onDelete === "PROTECT") protect.push({ model: src, fk, ids: found });
        else setNull.push({ model: src, fk, ids: found });
      }
    }
  }

  const blocking = protect
    .map((p) => ({ ...p, ids: p.ids.filter((id) => !doomed.get(p.model.table)?.has(id)) }))
    .filter((p) => p.ids.length > 0);
  if (blocking.length > 0) {
    const list = blocking
      .map((p) => `${p.ids.length} ${p.model.name} record(s) through ${p.fk.name}`)
      .join(", ");
    throw new ProtectedError(
      `Cannot delete ${model.name} ${ids.join(", ")} permanently: it is referenced by ${list}.`,
      blocking.map((p) => ({ registry: p.model.name, ids: p.ids.map(Number) })),
    );
  }
  if (options.dryRun) return { counts: new Map(), runArtifacts: [] };
  // the report and environment artifacts of deleted runs, in LaminDB's order (environment, report)
  const runArtifacts: string[] = [];
  const runs = [...(doomed.get("lamindb_run") ?? [])];
  for (let i = 0; i < runs.length; i += 10_000) {
    const rows = await rowsOf(
      trx,
      sql`SELECT environment_id, report_id FROM lamindb_run WHERE id IN (${sql.list(runs.slice(i, i + 10_000))}) ORDER BY id`,
    );
    for (const r of rows)
      for (const v of [r.environment_id, r.report_id])
        if (v !== null && v !== undefined && !runArtifacts.includes(String(v))) runArtifacts.push(String(v));
  }
  for (const s of setNull) {
    const ids2 = s.ids.filter((id) => !doomed.get(s.model.table)?.has(id));
    if (ids2.length)
      await trx(s.model.table)
        .whereIn("id", ids2)
        .update({ [s.fk.column]: null });
  }
  const counts = new Map<string, number>();
  for (const [table, set] of doomed) {
    const all = [...set];
    for (let i = 0; i < all.length; i += 10_000) {
      await trx(table)
        .whereIn("id", all.slice(i, i + 10_000))
        .delete();
    }
    counts.set(table, all.length);
  }
  return { counts, runArtifacts };
}
