// SQLRecord: the base of every registry. Records keep LaminDB's snake_case field names as their
// own properties (they are the columns); methods are camelCase. Relations are accessors defined
// from the model catalog: a to-one relation resolves to a record (await run.transform), a to-many
// relation is a QuerySet (await run.input_artifacts).
import type { Knex } from "knex";
import { DoesNotExist, FieldError, InvalidArgument, MultipleResultsFound, NoWriteAccess } from "../errors";
import { Instance, type Executor } from "../instance";
import { fieldOf, isToMany, primaryKey, queryableNames, relationsOf, type Relation } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { fromDbValue } from "../connection/normalise";
import { insertReturning } from "../connection/fast-insert";
import { ident } from "../query/compile";
import { QObject, type Expressions } from "../query/q";
import { QuerySet, type Scored, type ToDataFrameOptions } from "../query/queryset";
import type { SearchOptions } from "../query/search";
import type { Lookup, LookupOptions } from "../query/lookup";
import { describeRecord, type DescribeOptions, type DescriptionResult } from "../describe/describe";
import { openNamedInstance } from "../instances";
import type { DataFrame } from "../shapes";
import { RecordList } from "./record-list";
import { base62, isBase62 } from "../uid";
import { checkFieldValue, checkForeignKeyValue } from "./write-values";
import { registerRegistry, registryOf } from "./registry-map";
import { demoteOthers, versionedUid, type FamilyDecision } from "./versioning";

export const TRASH_BRANCH_ID = -1;
export const MAIN_BRANCH_ID = 1;

interface RecordState {
  instance?: Instance;
  loaded?: Record<string, unknown>; // column values as last read from or written to the database
  related: Map<string, unknown>; // cached to-one relations
}

const STATE = Symbol("lamindb.state");

function stateOf(r: SQLRecord): RecordState {
  const holder = r as unknown as { [STATE]?: RecordState };
  if (!holder[STATE]) {
    Object.defineProperty(r, STATE, { value: { related: new Map() }, enumerable: false, writable: false });
  }
  return holder[STATE]!;
}

/** A registry class: its model, its constructor, and the static methods of SQLRecord. */
export interface RegistryClass<T extends SQLRecord = SQLRecord> {
  new (...args: never[]): T;
  readonly spec: ModelSpec;
  // NoInfer: T comes from the class itself, not from SQLRecord's inherited generic fromRow
  fromRow(row: Record<string, unknown>, instance: Instance): NoInfer<T>;
  prototype: T;
}

/** Versioned registries decide a new record's family (kept out of RegistryClass: a parameter of type T
 * there would make TypeScript infer SQLRecord instead of the registry in static methods). */
type FamilyDecider = { decideFamily(record: SQLRecord, trx: Knex.Transaction): Promise<FamilyDecision> };

type Row = Record<string, unknown>;

export abstract class SQLRecord {
  static readonly spec: ModelSpec;
  declare id: number | undefined;

  /** Keys besides fields and relations that a registry's constructor accepts. */
  protected static readonly extraOptions: readonly string[] = [];

  constructor(fields: Record<string, unknown> = {}) {
    const cls = this.constructor as typeof SQLRecord & { spec: ModelSpec; extraOptions: readonly string[] };
    const model = cls.spec;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || cls.extraOptions.includes(key)) continue;
      if (fieldOf(model, key)) {
        if (key === "id") throw new FieldError(`${model.name}(): id is assigned by the database`, key);
        (this as Row)[key] = value;
        continue;
      }
      const fk = model.foreignKeys.find((x) => x.name === key || x.column === key);
      if (fk) {
        this.setRelated(fk.name, value);
        continue;
      }
      throw FieldError.unknown(key, constructorFields(model), model.name);
    }
  }

  /** Sets a to-one relation from a record or an id (`run.setRelated("transform", t)`). */
  setRelated(name: string, value: unknown): void {
    const model = (this.constructor as RegistryClass).spec;
    const fk = model.foreignKeys.find((x) => x.name === name);
    if (!fk)
      throw FieldError.unknown(
        name,
        model.foreignKeys.map((x) => x.name),
        model.name,
      );
    if (value instanceof SQLRecord) {
      if (value.id === undefined || value.id === null) {
        throw new InvalidArgument(`${model.name}.${name}: save the ${fk.target} first`);
      }
      (this as Row)[fk.column] = value.id;
      stateOf(this).related.set(name, value);
    } else {
      (this as Row)[fk.column] = value;
      stateOf(this).related.delete(name);
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  static fromRow<T extends SQLRecord>(this: RegistryClass<T>, row: Row, instance: Instance): T {
    const record = Object.create(this.prototype) as T;
    assignRow(record, this.spec, row);
    stateOf(record).instance = instance;
    return record;
  }

  /** The instance this record was read from or saved to, else the default. */
  get _instance(): Instance {
    return stateOf(this).instance ?? Instance.current;
  }

  static filter<T extends SQLRecord>(
    this: RegistryClass<T>,
    ...args: Array<QObject | Expressions>
  ): QuerySet<T> {
    return new QuerySet<T>(this).filter(...args);
  }

  static exclude<T extends SQLRecord>(
    this: RegistryClass<T>,
    ...args: Array<QObject | Expressions>
  ): QuerySet<T> {
    return new QuerySet<T>(this).exclude(...args);
  }

  /** Every record, without branch scoping (Django's objects.all()). */
  static all<T extends SQLRecord>(this: RegistryClass<T>): QuerySet<T> {
    return new QuerySet<T>(this);
  }

  /**
   * One record by integer id, full uid, uid prefix (stub), or expressions. idlike lookups are not
   * branch-scoped, so they find trashed records, as in LaminDB.
   */
  static async get<T extends SQLRecord>(
    this: RegistryClass<T>,
    idlike: number | string | Expressions | QObject,
  ): Promise<T> {
    const model = this.spec;
    if (typeof idlike === "number") {
      if (!Number.isSafeInteger(idlike))
        throw new InvalidArgument(`${model.name}.get(): ${idlike} is not an integer id`);
      const found = await new QuerySet<T>(this).filter({ id: idlike }).first();
      if (!found) throw new DoesNotExist(`No ${model.name} with id ${idlike}`);
      return found;
    }
    if (typeof idlike === "string") return getByUid(this, idlike);
    const qs = new QuerySet<T>(this).filter(idlike);
    if (model.versioned && !(idlike instanceof QObject) && !("is_latest" in idlike)) {
      // LaminDB prefers the latest version, and falls back to the newest of all versions
      const latest = await qs.filter({ is_latest: true }).limit(2).toArray();
      if (latest.length === 1) return latest[0];
      if (latest.length > 1)
        throw new MultipleResultsFound(`More than one ${model.name} matches ${describeExpr(idlike)}`);
      const newest = await qs.orderBy("-created_at", "-id").first();
      if (!newest) throw new DoesNotExist(`No ${model.name} matches ${describeExpr(idlike)}`);
      return newest;
    }
    const rows = await qs.limit(2).toArray();
    if (rows.length === 0) throw new DoesNotExist(`No ${model.name} matches ${describeExpr(idlike)}`);
    if (rows.length > 1)
      throw new MultipleResultsFound(`More than one ${model.name} matches ${describeExpr(idlike)}`);
    return rows[0];
  }

  /** The registry as a DataFrame (LaminDB's to_dataframe: branch-scoped, limit 100, newest first). */
  static toDataFrame<T extends SQLRecord>(
    this: RegistryClass<T>,
    options: ToDataFrameOptions = {},
  ): Promise<DataFrame> {
    return new QuerySet<T>(this).filter().toDataFrame(options);
  }

  /** LaminDB's search(): records ranked by its rule-based score (records carry `score`). */
  static search<T extends SQLRecord>(
    this: RegistryClass<T>,
    string: string,
    options: SearchOptions = {},
  ): QuerySet<T & Scored> {
    return new QuerySet<T>(this).search(string, options);
  }

  /** LaminDB's lookup(): values keyed by identifier-safe names, with dict() keyed by the raw values. */
  static lookup<T extends SQLRecord, V = T>(
    this: RegistryClass<T>,
    options: LookupOptions = {},
  ): Promise<Lookup<V>> {
    return new QuerySet<T>(this).lookup<V>(options);
  }

  /**
   * Records for values of a field: existing ones (not in the trash) reused, new ones unsaved; the
   * list's save() inserts the new ones in bulk.
   */
  static async fromValues<T extends SQLRecord>(
    this: RegistryClass<T>,
    values: Array<string | number>,
    options: { field?: string } = {},
  ): Promise<RecordList<T>> {
    const model = this.spec;
    const fieldName = options.field ?? model.nameField ?? "name";
    const f = fieldOf(model, fieldName);
    if (!f)
      throw FieldError.unknown(
        fieldName,
        model.fields.map((x) => x.name),
        model.name,
      );
    if (!Array.isArray(values)) throw new InvalidArgument("fromValues() takes an array of values");
    const unique = [...new Set(values.map((v) => (f.type === "char" || f.type === "text" ? String(v) : v)))];
    const existing = new Map<unknown, T>();
    for (let i = 0; i < unique.length; i += 10_000) {
      const found = await new QuerySet<T>(this)
        .filter({ [`${fieldName}__in`]: unique.slice(i, i + 10_000) })
        .orderBy("id");
      for (const r of found) {
        const v = (r as unknown as Row)[fieldName];
        if (!existing.has(v)) existing.set(v, r);
      }
    }
    const Cls = this as unknown as new (fields: Record<string, unknown>) => T;
    return RecordList.fromRecords(unique.map((v) => existing.get(v) ?? new Cls({ [fieldName]: v })));
  }

  /** Queries a non-default instance from the user's list: Record.connect("acme/prod").search("label7"). */
  static connect<T extends SQLRecord>(this: RegistryClass<T>, instance: string): QuerySet<T> {
    if (typeof instance !== "string" || instance === "")
      throw new InvalidArgument("connect() takes an instance name");
    return new QuerySet<T>(this, () => openNamedInstance(instance));
  }

  /** describe(): the structured Description (for the renderer); its toString() is LaminDB's text layout. */
  async describe(options: DescribeOptions = {}): Promise<DescriptionResult> {
    const model = (this.constructor as RegistryClass).spec;
    if (this.id === undefined || this.id === null)
      throw new InvalidArgument(`Save the ${model.name} before describing it`);
    const instance = this._instance;
    const rows = await instance.run(
      async (db) => (await db.raw(`SELECT * FROM ${ident(model.table)} WHERE id = ?`, [this.id!])).rows,
    );
    if (rows.length === 0) throw new DoesNotExist(`${model.name} ${this.id} no longer exists`);
    return describeRecord(model, rows[0], instance, options);
  }

  /** Versioned registries override this to revise an existing family (see versioning.ts). */
  static async decideFamily(_record: SQLRecord, _trx: Knex.Transaction): Promise<FamilyDecision> {
    return { kind: "new" };
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Inserts or updates the record and returns it, with the database's defaults read back. */
  async save(): Promise<this> {
    const instance = instanceOf(this);
    if (this.id === undefined || this.id === null) await insertRecord(this, instance);
    else await updateRecord(this, instance);
    return this;
  }

  /**
   * Soft delete moves the record to the trash (branch -1); `permanent: true` deletes it and what
   * LaminDB's ORM cascades to. A record already in the trash needs `permanent: true`.
   */
  async delete(options: { permanent?: boolean } = {}): Promise<void> {
    const { deleteRecord } = await import("./delete");
    await deleteRecord(this, this._instance, options.permanent);
  }

  /** Moves a trashed or archived record back to the main branch. */
  async restore(): Promise<void> {
    const { moveToBranch } = await import("./delete");
    await moveToBranch(this, this._instance, MAIN_BRANCH_ID);
  }

  /** Reloads field values from the database; `fields` limits it to some of them. */
  async refreshFromDb(options: { fields?: string[] } = {}): Promise<this> {
    const model = (this.constructor as RegistryClass).spec;
    if (this.id === undefined || this.id === null)
      throw new InvalidArgument(`${model.name} is not saved yet`);
    const columns = (options.fields ?? []).map((f) => {
      const field = fieldOf(model, f);
      const fk = model.foreignKeys.find((x) => x.name === f || x.column === f);
      if (!field && !fk) throw FieldError.unknown(f, queryableNames(model), model.name);
      return field ? field.column : fk!.column;
    });
    const instance = this._instance;
    const select = columns.length ? ["id", ...columns].map(ident).join(", ") : "*";
    const rows = await instance.run(
      async (db) =>
        (await db.raw(`SELECT ${select} FROM ${ident(model.table)} WHERE id = ?`, [this.id!])).rows,
    );
    if (rows.length === 0) throw new DoesNotExist(`${model.name} ${this.id} no longer exists`);
    assignRow(this, model, rows[0], columns.length > 0);
    for (const fk of model.foreignKeys)
      if (!columns.length || columns.includes(fk.column)) stateOf(this).related.delete(fk.name);
    return this;
  }

  /** Plain JSON of the record's columns. */
  toJSON(): Record<string, unknown> {
    const model = (this.constructor as RegistryClass).spec;
    const out: Record<string, unknown> = {};
    for (const f of model.fields) out[f.name] = (this as Row)[f.name] ?? null;
    for (const fk of model.foreignKeys) out[fk.column] = (this as Row)[fk.column] ?? null;
    return out;
  }
}

function constructorFields(model: ModelSpec): string[] {
  return [
    ...model.fields.filter((f) => !f.primary).map((f) => f.name),
    ...model.foreignKeys.flatMap((fk) => [fk.name, fk.column]),
  ].sort();
}

function describeExpr(e: Expressions | QObject): string {
  if (e instanceof QObject) return "the Q expression";
  try {
    return JSON.stringify(e);
  } catch {
    return "the expressions";
  }
}

async function getByUid<T extends SQLRecord>(cls: RegistryClass<T>, uid: string): Promise<T> {
  const model = cls.spec;
  const uidField = fieldOf(model, "uid");
  if (!uidField) throw new InvalidArgument(`${model.name} has no uid; use get(id) or get({ ... })`);
  if (uid.length === 0 || !isBase62(uid) || uid.length > (uidField.maxLength ?? 20)) {
    throw new InvalidArgument(
      `Malformed uid '${uid.slice(0, 40)}': a ${model.name} uid is up to ${uidField.maxLength} characters of 0-9, A-Z and a-z`,
    );
  }
  const qs = new QuerySet<T>(cls);
  if (uid.length === uidField.maxLength || uid.length === model.uid?.length) {
    const found = await qs.filter({ uid }).first();
    if (found) return found;
  }
  const stemLength = model.uid?.stemLength;
  if (model.versioned && stemLength && uid.length <= stemLength) {
    // a stem: prefer the latest version; several matches return the first, as LaminDB does
    const matches = qs.filter({ uid__startswith: uid });
    const found =
      (await matches.filter({ is_latest: true }).orderBy("-created_at", "-id").first()) ??
      (await matches.orderBy("-created_at", "-id").first());
    if (found) return found;
    throw new DoesNotExist(noUidMessage(model.name, uid));
  }
  const rows = await qs.filter({ uid__startswith: uid }).limit(2).toArray();
  if (rows.length === 0) throw new DoesNotExist(noUidMessage(model.name, uid));
  if (rows.length > 1)
    throw new MultipleResultsFound(
      `More than one ${model.name} uid starts with '${uid}': give more characters`,
    );
  return rows[0];
}

function noUidMessage(registry: string, uid: string): string {
  return `No record found with uid '${uid}'. Did you forget a keyword as in ${registry}.get({ name: '${uid}' })?`;
}

export function assignRow(record: SQLRecord, model: ModelSpec, row: Row, partial = false): void {
  const state = stateOf(record);
  const loaded = partial ? { ...(state.loaded ?? {}) } : {};
  for (const f of model.fields) {
    if (!(f.column in row)) continue;
    const v = fromDbValue(f.type, row[f.column]);
    (record as unknown as Row)[f.name] = v;
    loaded[f.column] = snapshot(v);
  }
  for (const fk of model.foreignKeys) {
    if (!(fk.column in row)) continue;
    const v = fromDbValue("bigint", row[fk.column]);
    (record as unknown as Row)[fk.column] = v;
    loaded[fk.column] = snapshot(v);
  }
  state.loaded = loaded;
}

/** What change detection compares: primitives as they are, dates by time, JSON by its text. */
function snapshot(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  return typeof v === "object" ? JSON.stringify(v) : v;
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

async function insertRecord(record: SQLRecord, instance: Instance): Promise<void> {
  const cls = record.constructor as RegistryClass;
  const model = cls.spec;
  const r = record as unknown as Row;
  prepareInsert(record, instance);
  const table = ident(model.table);

  if (!model.versioned) {
    const values = columnValues(record, model);
    const row = await instance.run(() =>
      insertReturning(instance.knex, instance.info.namedStatements, model.table, values),
    );
    assignRow(record, model, row);
    return;
  }

  await instance.transaction(async (trx) => {
    const decision =
      r.uid === undefined
        ? await (cls as unknown as FamilyDecider).decideFamily(record, trx)
        : ({ kind: "new" } as const);
    if (decision.kind === "adopt") {
      assignRow(record, model, decision.row);
      return;
    }
    if (r.uid === undefined) r.uid = await versionedUid(trx, model, decision);
    if (decision.kind === "revise" && decision.revisesId !== undefined) {
      const head = await trx.raw(`SELECT is_latest, version_tag FROM ${table} WHERE id = ?`, [
        decision.revisesId,
      ]);
      if (head.rows.length === 0 || head.rows[0].is_latest !== true) {
        const { IntegrityError } = await import("../errors");
        throw new IntegrityError(
          `The ${model.name} this revises is no longer the latest version; revise the latest one`,
        );
      }
      if (r.version_tag != null && r.version_tag === head.rows[0].version_tag) {
        throw new InvalidArgument(
          `version_tag '${String(r.version_tag)}' is already used by the version this revises`,
        );
      }
    }
    const values = columnValues(record, model);
    const [row] = await trx(model.table).insert(values).returning("*");
    assignRow(record, model, row);
    if (decision.kind === "revise") {
      await demoteOthers(trx, model, String(row.uid), Number(row.branch_id), Number(row.id));
    }
  });
}

async function updateRecord(record: SQLRecord, instance: Instance): Promise<void> {
  const model = (record.constructor as RegistryClass).spec;
  const state = stateOf(record);
  const loaded = state.loaded ?? {};
  const changed = new Set<string>();
  for (const f of model.fields) {
    if (f.primary) continue;
    const v = (record as unknown as Row)[f.name];
    if (v !== undefined && snapshot(v) !== loaded[f.column]) changed.add(f.column);
  }
  for (const fk of model.foreignKeys) {
    const v = (record as unknown as Row)[fk.column];
    if (v !== undefined && snapshot(v) !== loaded[fk.column]) changed.add(fk.column);
  }
  if (changed.size === 0) return;
  const values = columnValues(record, model, changed);
  const lockable = fieldOf(model, "is_locked") !== undefined;
  const onlyUnlocking = changed.size === 1 && changed.has("is_locked");
  if (fieldOf(model, "updated_at") && !changed.has("updated_at"))
    values.updated_at = instance.knex.raw("STATEMENT_TIMESTAMP()");
  const rows = await instance.run(async (db) => {
    const q = db(model.table).update(values).where({ id: record.id }).returning("*");
    // One statement: a locked row is simply not matched, then we find out why below.
    if (lockable && !onlyUnlocking) q.andWhere({ is_locked: false });
    return q;
  });
  if (rows.length === 0) await explainMissedWrite(model, record.id!, instance);
  assignRow(record, model, rows[0]);
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

// ---- relations ---------------------------------------------------------------------------------

async function loadToOne(record: SQLRecord, rel: Relation): Promise<SQLRecord | null> {
  const state = stateOf(record);
  if (state.related.has(rel.name)) return state.related.get(rel.name) as SQLRecord | null;
  const target = registryOf(rel.target.name) as RegistryClass | undefined;
  if (!target) throw new Error(`internal: no registry for ${rel.target.name}`);
  const instance = record._instance;
  let found: SQLRecord | null = null;
  if (rel.kind === "fk") {
    const id = (record as unknown as Row)[rel.column];
    if (id !== null && id !== undefined) found = await new QuerySet(target, instance).filter({ id }).first();
  } else if (rel.kind === "reverse" && record.id != null) {
    found = await new QuerySet(target, instance).filter({ [rel.targetColumn]: record.id }).first();
  }
  state.related.set(rel.name, found);
  return found;
}

/** Defines the relation accessors of a registry from the catalog, then registers it. */
export function defineRegistry(cls: RegistryClass): void {
  const model = cls.spec;
  primaryKey(model);
  for (const rel of relationsOf(model).values()) {
    if (Object.prototype.hasOwnProperty.call(cls.prototype, rel.name) || rel.target.link) continue;
    if (rel.name in SQLRecord.prototype)
      throw new Error(`internal: relation ${model.name}.${rel.name} shadows a method`);
    const toMany = isToMany(rel);
    Object.defineProperty(cls.prototype, rel.name, {
      configurable: true,
      enumerable: false,
      get(this: SQLRecord) {
        if (!toMany) return loadToOne(this, rel);
        if (this.id === undefined || this.id === null) {
          throw new InvalidArgument(`${model.name}.${rel.name}: save the record first`);
        }
        const target = registryOf(rel.target.name) as RegistryClass | undefined;
        if (!target) throw new Error(`internal: no registry for ${rel.target.name}`);
        return QuerySet.via(target, { relation: rel, ownerId: this.id }, this._instance);
      },
      ...(rel.kind === "fk"
        ? {
            set(this: SQLRecord, value: unknown) {
              this.setRelated(rel.name, value);
            },
          }
        : {}),
    });
  }
  registerRegistry(cls);
}

export type { Row };
