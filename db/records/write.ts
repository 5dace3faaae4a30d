// Writing records: a row read back into a record, the validated column values of a record, the
// app-side defaults of a new one, save()'s INSERT and UPDATE, and why a write matched no row.
import type { Knex } from "knex";
import { DoesNotExist, IntegrityError, InvalidArgument, NoWriteAccess } from "../errors";
import { Instance, type Executor } from "../instance";
import { fieldOf } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { fromDbValue } from "../connection/normalise";
import { insertReturning } from "../connection/fast-insert";
import { sql, type Fragment } from "../query/sql";
import { base62 } from "../uid";
import { stateOf, snapshot } from "./record-state";
import type { RegistryClass, Row, SQLRecord } from "./sqlrecord";
import { demoteOthers, versionedUid, type FamilyDecision } from "./versioning";
import { checkFieldValue, checkForeignKeyValue } from "./write-values";

/** Versioned registries decide a new record's family (kept out of RegistryClass: a parameter of type T
 * there would make TypeScript infer SQLRecord instead of the registry in static methods). */
type FamilyDecider = { decideFamily(record: SQLRecord, trx: Knex.Transaction): Promise<FamilyDecision> };

/** Sets a record's fields from a row as read or written; `partial` keeps the other loaded columns. */
export function assignRow(record: SQLRecord, model: ModelSpec, row: Row, partial = false): void {
  const state = stateOf(record);
  // a Map rather than an object: some thirty columns added one by one by key turn an object into a
  // slow dictionary (about a quarter of assignRow's time for a Run)
  const loaded = partial && state.loaded ? new Map(state.loaded) : new Map<string, unknown>();
  const fields = record as unknown as Row;
  for (const f of model.fields) {
    const value = row[f.column];
    if (value === undefined) continue; // not read: drivers give a read column's NULL as null
    const v = fromDbValue(f.type, value);
    fields[f.name] = v;
    loaded.set(f.column, snapshot(v));
  }
  for (const fk of model.foreignKeys) {
    const value = row[fk.column];
    if (value === undefined) continue;
    const v = fromDbValue("bigint", value);
    fields[fk.column] = v;
    loaded.set(fk.column, snapshot(v));
  }
  state.loaded = loaded;
}

/** Column -> value to bind, for every column this record sets; validated. */
export function columnValues(record: SQLRecord, model: ModelSpec, onlyColumns?: Set<string>): Row {
  const out: Row = {};
  for (const f of model.fields) {
    if (f.primary || (onlyColumns && !onlyColumns.has(f.column))) continue;
    const v = checkFieldValue(f, (record as unknown as Row)[f.name], model.name);
    if (v !== undefined) out[f.column] = v;
  }
  for (const fk of model.foreignKeys) {
    if (onlyColumns && !onlyColumns.has(fk.column)) continue;
    const v = checkForeignKeyValue(fk, (record as unknown as Row)[fk.column], model.name);
    if (v !== undefined) out[fk.column] = v;
  }
  return out;
}

/** The record's instance, fixed at its first save. */
export function instanceOf(record: SQLRecord): Instance {
  const state = stateOf(record);
  return (state.instance ??= Instance.current);
}

/** App-side defaults of a new record: created_by, is_latest, and the uid of non-versioned registries. */
export function prepareInsert(record: SQLRecord, instance: Instance): void {
  const model = (record.constructor as RegistryClass).spec;
  const r = record as unknown as Row;
  if (model.foreignKeys.some((fk) => fk.name === "created_by") && r.created_by_id == null) {
    r.created_by_id = instance.userId;
  }
  if (model.versioned && r.is_latest === undefined) r.is_latest = true;
  if (!model.versioned && model.uid && r.uid === undefined) r.uid = base62(model.uid.length);
}

/**
 * A row written with a record's save, atomically (`save({ alongside })`): a single statement's save takes
 * it as a data-modifying CTE (still one statement, one round trip); either both rows are written or
 * neither (a conflict on the other row fails the save). Only the rows db/ knows, never a caller's table
 * or column: today the tracker's event claim (lamin_vscode_track_events, migration 0003), written with
 * the run its event created or changed.
 */
export interface Alongside {
  kind: "trackEventClaim";
  /** The claimed event's id. */
  eventId: string;
}

const ALONGSIDE_ROWS = {
  trackEventClaim: {
    table: "lamin_vscode_track_events",
    column: "event_id",
    idColumn: "run_id",
    registryTable: "lamindb_run",
  },
} as const;

/** The alongside row's table, values and id column, checked against the record saved. */
interface AlongsideRow {
  table: string;
  values: Record<string, unknown>;
  idColumn: string;
}

function alongsideRow(a: Alongside | undefined, model: ModelSpec): AlongsideRow | undefined {
  if (a === undefined) return undefined;
  const spec = Object.hasOwn(ALONGSIDE_ROWS, a.kind) ? ALONGSIDE_ROWS[a.kind] : undefined;
  if (!spec) throw new InvalidArgument(`save({ alongside }): unknown kind ${JSON.stringify(a.kind)}`);
  if (spec.registryTable !== model.table)
    throw new InvalidArgument(`save({ alongside: ${a.kind} }) goes with a ${spec.registryTable} record`);
  if (typeof a.eventId !== "string" || a.eventId === "")
    throw new InvalidArgument("save({ alongside }): eventId is a non-empty string");
  return { table: spec.table, values: { [spec.column]: a.eventId }, idColumn: spec.idColumn };
}

/** The alongside row with the saved record's id, for a statement of its own (Knex's insert). */
function alongsideValues(a: AlongsideRow, id: unknown): Record<string, unknown> {
  return { ...a.values, [a.idColumn]: id };
}

/**
 * A save (an INSERT or UPDATE ... RETURNING *) with the alongside row inserted from the row it returns:
 * the save as the CTE `saved`, still one statement, answering the saved row.
 */
function withAlongside(save: Fragment, a: AlongsideRow): Fragment {
  const columns = Object.keys(a.values);
  const insert = sql`INSERT INTO ${sql.ident(a.table)} (${sql.join([...columns, a.idColumn].map(sql.ident))}) SELECT ${sql.join(
    [...columns.map((c) => sql`${a.values[c]}`), sql`id`],
  )} FROM saved`;
  return sql`WITH saved AS (${save}), alongside AS (${insert}) SELECT * FROM saved`;
}

export async function insertRecord(
  record: SQLRecord,
  instance: Instance,
  carried?: Alongside,
): Promise<void> {
  const cls = record.constructor as RegistryClass;
  const model = cls.spec;
  const alongside = alongsideRow(carried, model);
  const r = record as unknown as Row;
  prepareInsert(record, instance);

  if (!model.versioned) {
    const values = columnValues(record, model);
    let row: Record<string, unknown>;
    if (alongside) {
      const columns = Object.keys(values);
      const insert = sql`INSERT INTO ${sql.ident(model.table)} (${sql.join(columns.map(sql.ident))}) VALUES (${sql.list(
        columns.map((c) => values[c]),
      )}) RETURNING *`;
      const statement = withAlongside(insert, alongside);
      [row] = await instance.run(() => instance.statements.query(statement.toPositional()));
    } else {
      row = await instance.run(() => insertReturning(instance.statements, model.table, values));
    }
    assignRow(record, model, row);
    return;
  }

  const state = stateOf(record);
  await instance.transaction(async (trx) => {
    const decide = r.uid === undefined || state.provisionalUid === true;
    const decision = decide
      ? await (cls as unknown as FamilyDecider).decideFamily(record, trx)
      : ({ kind: "new" } as const);
    if (decision.kind === "adopt") {
      assignRow(record, model, decision.row);
      state.provisionalUid = false;
      return;
    }
    // a provisional uid that starts a new family stays; a revision takes the family's next suffix
    if (r.uid === undefined || (decide && decision.kind === "revise"))
      r.uid = await versionedUid(trx, model, decision);
    if (decision.kind === "revise" && decision.revisesId !== undefined) {
      const [head] = await instance.rows(
        sql`SELECT is_latest, version_tag FROM ${sql.ident(model.table)} WHERE id = ${decision.revisesId}`,
        trx,
      );
      if (!head || head.is_latest !== true) {
        throw new IntegrityError(
          `The ${model.name} this revises is no longer the latest version; revise the latest one`,
        );
      }
      if (r.version_tag != null && r.version_tag === head.version_tag) {
        throw new InvalidArgument(
          `version_tag '${String(r.version_tag)}' is already used by the version this revises`,
        );
      }
    }
    const values = columnValues(record, model);
    const [row] = await trx(model.table).insert(values).returning("*");
    if (alongside) await trx(alongside.table).insert(alongsideValues(alongside, row.id));
    assignRow(record, model, row);
    state.provisionalUid = false;
    if (decision.kind === "revise") {
      await demoteOthers(trx, model, String(row.uid), Number(row.branch_id), Number(row.id));
    }
  });
}

export async function updateRecord(
  record: SQLRecord,
  instance: Instance,
  carried?: Alongside,
): Promise<void> {
  const model = (record.constructor as RegistryClass).spec;
  const alongside = alongsideRow(carried, model);
  const state = stateOf(record);
  const loaded = state.loaded;
  const changed = new Set<string>();
  for (const f of model.fields) {
    if (f.primary) continue;
    const v = (record as unknown as Row)[f.name];
    if (v !== undefined && snapshot(v) !== loaded?.get(f.column)) changed.add(f.column);
  }
  for (const fk of model.foreignKeys) {
    const v = (record as unknown as Row)[fk.column];
    if (v !== undefined && snapshot(v) !== loaded?.get(fk.column)) changed.add(fk.column);
  }
  if (changed.size === 0) {
    if (alongside)
      await instance.run(async (db) => db(alongside.table).insert(alongsideValues(alongside, record.id)));
    return;
  }
  const values = columnValues(record, model, changed);
  const lockable = fieldOf(model, "is_locked") !== undefined;
  const onlyUnlocking = changed.size === 1 && changed.has("is_locked");
  const stamp = fieldOf(model, "updated_at") !== undefined && !changed.has("updated_at");
  // One statement: a locked row is simply not matched, then we find out why below.
  const update = updateStatement(model.table, values, record.id, stamp, lockable && !onlyUnlocking);
  const statement = alongside ? withAlongside(update, alongside) : update;
  // straight on a pooled connection, as insertRecord's: Knex's builder and runner cost more than the
  // UPDATE itself (a notebook's run is updated at every cell's end)
  const rows = await instance.run(() => instance.statements.query(statement.toPositional()));
  if (rows.length === 0) await explainMissedWrite(model, record.id!, instance);
  assignRow(record, model, rows[0]);
}

/**
 * `UPDATE <table> SET <columns> [, updated_at = STATEMENT_TIMESTAMP()] WHERE id = <id>
 * [AND is_locked = false] RETURNING *`. `values` holds catalog columns only (columnValues()).
 */
function updateStatement(
  table: string,
  values: Row,
  id: unknown,
  stamp: boolean,
  unlockedOnly: boolean,
): Fragment {
  const sets = Object.keys(values).map((c) => sql`${sql.ident(c)} = ${values[c]}`);
  if (stamp) sets.push(sql`"updated_at" = STATEMENT_TIMESTAMP()`);
  const unlocked = unlockedOnly ? sql` AND "is_locked" = ${false}` : sql``;
  return sql`UPDATE ${sql.ident(table)} SET ${sql.join(sets)} WHERE "id" = ${id}${unlocked} RETURNING *`;
}

/** A write matched no row: the record is locked or gone. */
export async function explainMissedWrite(
  model: ModelSpec,
  id: number,
  instance: Instance,
  db?: Executor,
): Promise<never> {
  // inside a transaction, ask through it: PGlite has a single connection
  const rows = await instance.run(
    async (x) =>
      x(model.table)
        .select(fieldOf(model, "is_locked") ? ["is_locked"] : ["id"])
        .where({ id }),
    db,
  );
  if (rows.length > 0 && rows[0].is_locked === true) {
    throw new NoWriteAccess(
      `It is not allowed to modify or create locked ('is_locked=True') records: ${model.name} ${id} is locked. ` +
        `Unlock it first (record.is_locked = false; await record.save()).`,
    );
  }
  throw new DoesNotExist(`${model.name} ${id} no longer exists`);
}
