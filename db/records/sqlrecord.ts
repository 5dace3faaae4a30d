// SQLRecord: the base of every registry. Records keep LaminDB's snake_case field names as their
// own properties (they are the columns); methods are camelCase. Relations are accessors defined
// from the model catalog: a to-one relation resolves to a record (await run.transform), a to-many
// relation is a QuerySet (await run.input_artifacts).
import type { Knex } from "knex";
import { DoesNotExist, FieldError, InvalidArgument, MultipleResultsFound } from "../errors";
import { Instance } from "../instance";
import { MAIN_BRANCH_ID } from "../schema/branches";
import { fieldOf, isToMany, primaryKey, queryableNames, relationsOf, type Relation } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { QObject, type Expressions } from "../query/q";
import { QuerySet, type Scored } from "../query/queryset";
import type { SearchOptions } from "../query/search";
import type { Lookup, LookupOptions } from "../query/lookup";
import type { ToDataFrameOptions } from "../query/dataframe";
import { sql } from "../query/sql";
import { describeRecord, type DescribeOptions, type DescriptionResult } from "../describe/describe";
import { openNamedInstance } from "../instances";
import type { DataFrame } from "../shapes";
import { deleteRecord, moveToBranch } from "./delete";
import { getByUid } from "./get-by-uid";
import { stateOf } from "./record-state";
import { RecordList } from "./record-list";
import { registerRegistry, registryOf } from "./registry-map";
import type { FamilyDecision } from "./versioning";
import { assignRow, insertRecord, instanceOf, updateRecord, type Alongside } from "./write";

/** A registry class: its model, its constructor, and the static methods of SQLRecord. */
export interface RegistryClass<T extends SQLRecord = SQLRecord> {
  new (...args: never[]): T;
  readonly spec: ModelSpec;
  // NoInfer: T comes from the class itself, not from SQLRecord's inherited generic fromRow
  fromRow(row: Record<string, unknown>, instance: Instance): NoInfer<T>;
  prototype: T;
}

export type Row = Record<string, unknown>;

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
    const rows = await instance.rows(sql`SELECT * FROM ${sql.ident(model.table)} WHERE id = ${this.id}`);
    if (rows.length === 0) throw new DoesNotExist(`${model.name} ${this.id} no longer exists`);
    return describeRecord(model, rows[0], instance, options);
  }

  /** Versioned registries override this to revise an existing family (see versioning.ts). */
  static async decideFamily(_record: SQLRecord, _trx: Knex.Transaction): Promise<FamilyDecision> {
    return { kind: "new" };
  }

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * Inserts or updates the record and returns it, with the database's defaults read back.
   * `alongside`: a row written atomically with it, in the same statement (see Alongside).
   */
  async save(options: { alongside?: Alongside } = {}): Promise<this> {
    const instance = instanceOf(this);
    if (this.id === undefined || this.id === null) await insertRecord(this, instance, options.alongside);
    else await updateRecord(this, instance, options.alongside);
    return this;
  }

  /**
   * Soft delete moves the record to the trash (branch -1); `permanent: true` deletes it and what
   * LaminDB's ORM cascades to. A record already in the trash needs `permanent: true`.
   */
  async delete(options: { permanent?: boolean } = {}): Promise<void> {
    await deleteRecord(this, this._instance, options.permanent);
  }

  /** Moves a trashed or archived record back to the main branch. */
  async restore(): Promise<void> {
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
    const select = columns.length ? sql.join(["id", ...columns].map(sql.ident)) : sql`*`;
    const rows = await instance.rows(
      sql`SELECT ${select} FROM ${sql.ident(model.table)} WHERE id = ${this.id}`,
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

// ---- relations ---------------------------------------------------------------------------------

async function loadToOne(record: SQLRecord, rel: Relation): Promise<SQLRecord | null> {
  const state = stateOf(record);
  if (state.related.has(rel.name)) return state.related.get(rel.name) as SQLRecord | null;
  const target = registryOf(rel.target.name);
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
        const target = registryOf(rel.target.name);
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
