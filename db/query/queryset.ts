// QuerySet: a lazy, chainable query over one registry, awaitable (-> records) and async-iterable.
// It only builds a Query (query.ts); the compiler (compiler.ts) turns that into SQL.
import type { Knex } from "knex";
import { DoesNotExist, FieldError, InvalidArgument, MultipleResultsFound } from "../errors";
import { Instance } from "../instance";
import { fieldOf, queryableNames, relationsOf } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { fromDbValue, toCount } from "../connection/normalise";
import { featureNameOf, hasFeatures } from "../features/filter";
import { deleteMatching, trashMatching } from "../records/delete";
import type { DataFrame } from "../shapes";
import type { RawVariant } from "../connection/pooled-query";
import { searchQuery, type SearchOptions } from "./search";
import { buildLookup, lookupField, type Lookup, type LookupOptions } from "./lookup";
import { callIsScoped, compileNode } from "./compile";
import { compileSelect, orderColumn } from "./compiler";
import { toDataFrame, type ToDataFrameOptions } from "./dataframe";
import { leafKeys, QObject, toNode, type Expressions, type QNode } from "./q";
import { EMPTY_QUERY, type Annotation, type Query, type Via } from "./query";
import { Aliases, sql, type Fragment } from "./sql";

/** What a QuerySet needs from a registry class: its model and how to build records from rows. */
export interface RegistryLike<T> {
  readonly spec: ModelSpec;
  fromRow(row: Record<string, unknown>, instance: Instance): T;
}

/** Where a query's instance comes from: an open one, or one opened on first use (Registry.connect). */
export type InstanceSource = Instance | (() => Promise<Instance>);

/** A record that search() ranked: `score` is LaminDB's rule-based score. */
export type Scored = { score: number };

export class QuerySet<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  constructor(
    readonly registry: RegistryLike<T>,
    private readonly source?: InstanceSource,
    /** What this QuerySet asks for; compiler.ts turns it into SQL. */
    readonly query: Query = EMPTY_QUERY,
  ) {}

  /** The instance this query runs on (opened now for a Registry.connect() query). */
  async resolveInstance(): Promise<Instance> {
    if (this.source instanceof Instance) return this.source;
    if (typeof this.source === "function") return this.source();
    return Instance.current;
  }

  private with(patch: Partial<Query>): QuerySet<T> {
    return new QuerySet(this.registry, this.source, { ...this.query, ...patch });
  }

  /**
   * filter(Q(...), { field__lookup: value }). On runs, an object whose first key is not a field is
   * read as feature names, as LaminDB does: Run.filter({ experiment: "My experiment 1" }).
   */
  filter(...args: Array<QObject | Expressions>): QuerySet<T> {
    const nodes = args.map((a) => this.toNodes(dropNullBranch(a)));
    this.validate(nodes);
    return this.with({ filters: [...this.query.filters, ...nodes], scoped: this.scopes(args) });
  }

  exclude(...args: Array<QObject | Expressions>): QuerySet<T> {
    const nodes = args.map((a) => this.toNodes(dropNullBranch(a)));
    this.validate(nodes);
    return this.with({ excludes: [...this.query.excludes, ...nodes], scoped: this.scopes(args) });
  }

  /** filter() without LaminDB's branch scoping (its BasicQuerySet.filter, which get(idlike) uses). */
  basicFilter(...args: Array<QObject | Expressions>): QuerySet<T> {
    const nodes = args.map((a) => this.toNodes(a));
    this.validate(nodes);
    return this.with({ filters: [...this.query.filters, ...nodes] });
  }

  /** Whether the query is scoped after this call: once a call scopes it, it stays scoped, as in LaminDB. */
  private scopes(args: Array<QObject | Expressions>): boolean {
    const kwargKeys = args.flatMap((a) => (a instanceof QObject ? [] : Object.keys(a ?? {})));
    const qKeys = args.flatMap((a) => (a instanceof QObject ? leafKeys(a.node) : []));
    return this.query.scoped || callIsScoped(kwargKeys, qKeys);
  }

  private toNodes(arg: QObject | Expressions): QNode {
    const model = this.registry.spec;
    if (arg instanceof QObject || !hasFeatures(model) || arg === null || typeof arg !== "object")
      return toNode(arg);
    const keys = Object.keys(arg);
    if (keys.length === 0) return toNode(arg);
    const head = keys[0].split("__")[0];
    const isField =
      head === "status" ||
      fieldOf(model, head) !== undefined ||
      model.foreignKeys.some((fk) => fk.column === head) ||
      relationsOf(model).has(head);
    if (isField) return toNode(arg);
    return {
      kind: "and",
      children: Object.entries(arg).map(([key, value]) => ({ kind: "feature", key, value })),
    };
  }

  /** Field names, "-" for descending: orderBy("-started_at", "id"). */
  orderBy(...fields: string[]): QuerySet<T> {
    for (const f of fields) orderColumn(this.registry.spec, this.query, f);
    return this.with({ order: fields });
  }

  limit(n: number | null): QuerySet<T> {
    if (n !== null && (!Number.isSafeInteger(n) || n < 0)) {
      throw new InvalidArgument("limit() needs a non-negative integer or null");
    }
    return this.with({ limit: n ?? undefined });
  }

  offset(n: number): QuerySet<T> {
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgument("offset() needs a non-negative integer");
    return this.with({ offset: n });
  }

  distinct(): QuerySet<T> {
    return this.with({ distinct: true });
  }

  get isOrdered(): boolean {
    return this.query.order.length > 0;
  }

  get limitValue(): number | undefined {
    return this.query.limit;
  }

  get offsetValue(): number {
    return this.query.offset ?? 0;
  }

  /** Adds a computed column, optionally with an internal condition (used by search()). */
  annotate(
    annotation: Annotation,
    where?: (alias: string) => Fragment,
    options: { prepare?: boolean } = {},
  ): QuerySet<T> {
    return this.with({
      annotations: [...this.query.annotations, annotation],
      raw: where ? [...this.query.raw, where] : this.query.raw,
      ...(options.prepare ? { prepare: true } : {}),
    });
  }

  /** A related manager's query: records related to one owner. */
  static via<T>(registry: RegistryLike<T>, via: Via, source?: InstanceSource): QuerySet<T> {
    return new QuerySet(registry, source, { ...EMPTY_QUERY, via });
  }

  // Compile against a throwaway alias set so that bad field names fail at filter() time.
  private validate(nodes: QNode[]): void {
    const ctx = { aliases: new Aliases() };
    for (const n of nodes) compileNode(this.registry.spec, "t", n, ctx);
  }

  /** Feature names a filter uses must exist, as LaminDB validates them. */
  private async checkFeatureNames(instance: Instance): Promise<void> {
    const names = new Set<string>();
    const walk = (n: QNode): void => {
      if (n.kind === "feature") names.add(featureNameOf(n.key));
      else if (n.kind === "not") walk(n.child);
      else if (n.kind === "and" || n.kind === "or") n.children.forEach(walk);
    };
    [...this.query.filters, ...this.query.excludes].forEach(walk);
    if (names.size === 0) return;
    const found = new Set(
      (
        await instance.run((db) =>
          db("lamindb_feature")
            .select("name")
            .whereIn("name", [...names]),
        )
      ).map((r: { name: string }) => r.name),
    );
    const missing = [...names].filter((n) => !found.has(n));
    if (missing.length > 0) {
      const model = this.registry.spec;
      // LaminDB's filter_with_features raises InvalidArgument here, naming fields and features
      throw new InvalidArgument(
        `Unknown field or feature ${missing.map((m) => `'${m}'`).join(", ")} on ${model.name}. ` +
          `You can query either by available fields: ${queryableNames(model).join(", ")}\n` +
          `Or fix invalid feature names: ${[...missing].sort().join(", ")} (features are created with new Feature({ name, dtype }).save())`,
      );
    }
  }

  /** Runs a statement built from this query on its instance. */
  async rawRows(q: Fragment, db?: Knex | Knex.Transaction): Promise<Array<Record<string, unknown>>> {
    const instance = await this.resolveInstance();
    await this.checkFeatureNames(instance);
    return instance.rows(q, db);
  }

  /** rawRows() as arrays of the statement's columns, by the driver's fastest path for many rows. */
  async rawArrayRows(
    q: Fragment,
    db?: Knex | Knex.Transaction,
    raw?: RawVariant<Fragment>,
  ): Promise<unknown[][]> {
    const instance = await this.resolveInstance();
    await this.checkFeatureNames(instance);
    return instance.arrayRows(q, db, raw);
  }

  async toArray(): Promise<T[]> {
    const instance = await this.resolveInstance();
    await this.checkFeatureNames(instance);
    // only the records themselves go through preparedRows(); count() and friends of a search stay unnamed
    const statement = compileSelect(this.registry.spec, this.query);
    const rows = this.query.prepare ? await instance.preparedRows(statement) : await instance.rows(statement);
    const annotations = this.query.annotations.map((a) => a.name);
    return rows.map((r) => {
      const record = this.registry.fromRow(r, instance);
      for (const a of annotations) (record as Record<string, unknown>)[a] = Number(r[a]);
      return record;
    });
  }

  /** Plain objects of some fields (Django's values()): no records are built, only these columns read. */
  async values<K extends string>(...fields: K[]): Promise<Array<Record<K, unknown>>> {
    const columns = this.valueColumns(fields);
    return columns.read(
      await this.rawRows(compileSelect(this.registry.spec, this.query, { rowColumns: columns.select })),
    );
  }

  /** The columns values() reads, checked against the model, and how a row of them becomes an object. */
  valueColumns<K extends string>(
    fields: K[],
  ): {
    select: (alias: string) => Fragment[];
    read: (rows: Array<Record<string, unknown>>) => Array<Record<K, unknown>>;
  } {
    const model = this.registry.spec;
    const specs = fields.map((name) => {
      const f = fieldOf(model, name);
      const fk = model.foreignKeys.find((x) => x.column === name);
      if (!f && !fk) throw FieldError.unknown(name, queryableNames(model), model.name);
      return { name, column: f ? f.column : fk!.column, type: f ? f.type : ("bigint" as const) };
    });
    return {
      select: (alias) => specs.map((x) => sql.col(alias, x.column)),
      read: (rows) =>
        rows.map((r) => {
          const out = {} as Record<K, unknown>;
          for (const x of specs) out[x.name] = fromDbValue(x.type, r[x.column]);
          return out;
        }),
    };
  }

  then<R1 = T[], R2 = never>(
    onfulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toArray().then(onfulfilled, onrejected);
  }

  /** Iterates in pages of 500, so a large result never sits in memory at once. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const page = 500;
    const base = this.isOrdered ? this : this.orderBy("id");
    const start = this.query.offset ?? 0;
    const end = this.query.limit === undefined ? Infinity : start + this.query.limit;
    for (let at = start; at < end; at += page) {
      const batch = await base.with({ offset: at, limit: Math.min(page, end - at) }).toArray();
      yield* batch;
      if (batch.length < page) return;
    }
  }

  async count(): Promise<number> {
    return this.countUpTo(null);
  }

  /**
   * count() that stops after `atMost` rows (not LaminDB's; toDataFrame's bounded total): the LIMIT
   * inside the count lets the scan end there, where count() reads every matching row.
   */
  async countUpTo(atMost: number | null): Promise<number> {
    if (atMost !== null && (!Number.isSafeInteger(atMost) || atMost < 0))
      throw new InvalidArgument("countUpTo() needs a non-negative integer or null");
    const own = this.query.limit;
    const limit = atMost === null ? own : own === undefined ? atMost : Math.min(own, atMost);
    const inner = compileSelect(
      this.registry.spec,
      { ...this.query, order: [], annotations: [], limit },
      { columns: this.query.distinct ? sql`DISTINCT ${sql.col("t0", "id")}` : sql`1` },
    );
    const rows = await this.rawRows(sql`SELECT count(*) AS n FROM (${inner}) AS q`);
    return toCount(rows[0].n);
  }

  async exists(): Promise<boolean> {
    const inner = compileSelect(
      this.registry.spec,
      { ...this.query, order: [], annotations: [], limit: 1 },
      { columns: sql`1` },
    );
    const rows = await this.rawRows(sql`SELECT EXISTS (${inner}) AS e`);
    return rows[0].e === true;
  }

  /** The first record by the query's order, or by id; null when there is none. */
  async first(): Promise<T | null> {
    const q = this.isOrdered ? this : this.orderBy("id");
    const [r] = await q.with({ limit: 1 }).toArray();
    return r ?? null;
  }

  /** Exactly one record, else DoesNotExist or MultipleResultsFound. */
  async one(): Promise<T> {
    const rows = await this.with({ limit: 2 }).toArray();
    if (rows.length === 0) throw new DoesNotExist(`No ${this.registry.spec.name} matches the query`);
    if (rows.length > 1)
      throw new MultipleResultsFound(`More than one ${this.registry.spec.name} matches the query`);
    return rows[0];
  }

  async oneOrNone(): Promise<T | null> {
    const rows = await this.with({ limit: 2 }).toArray();
    if (rows.length > 1)
      throw new MultipleResultsFound(`More than one ${this.registry.spec.name} matches the query`);
    return rows[0] ?? null;
  }

  /**
   * LaminDB's QuerySet.delete(): every matching record to the trash in one statement, or with
   * `permanent: true` deleted with what the ORM cascades to (a run's report and environment
   * artifacts too). Returns how many matched records moved or went.
   */
  async delete(options: { permanent?: boolean } = {}): Promise<number> {
    const model = this.registry.spec;
    if (options.permanent !== true && !model.foreignKeys.some((fk) => fk.name === "branch")) {
      throw new InvalidArgument(
        `${model.name} records cannot be moved to the trash: delete({ permanent: true }) deletes them for good`,
      );
    }
    const instance = await this.resolveInstance();
    await this.checkFeatureNames(instance);
    const query = { ...this.query, order: [], limit: undefined, offset: undefined, annotations: [] };
    return options.permanent === true
      ? deleteMatching(instance, model, query)
      : trashMatching(instance, model, query);
  }

  /** LaminDB's search() over this query's records, ranked by score (records carry `score`). */
  search(string: string, options: SearchOptions = {}): QuerySet<T & Scored> {
    return searchQuery(this, string, options) as unknown as QuerySet<T & Scored>;
  }

  /**
   * LaminDB's lookup() over this query's records (`cls.all()` of a QuerySet keeps its filter); the
   * registry's lookup() is over every record, unscoped, as LaminDB's objects.all().
   */
  async lookup<V = T>(options: LookupOptions = {}): Promise<Lookup<V>> {
    const field = lookupField(this.registry.spec, options);
    const records = await (this.isOrdered ? this : this.orderBy("id")).toArray();
    return buildLookup<V>(records as object[], field, options);
  }

  /** The query as a DataFrame (LaminDB's to_dataframe): columns in LaminDB's order, id as index. */
  async toDataFrame(options: ToDataFrameOptions = {}): Promise<DataFrame> {
    return toDataFrame(this, options);
  }
}

/** LaminDB drops `branch: None` and `branch_id: None` (a NULL test on a NOT NULL column): all branches. */
function dropNullBranch(arg: QObject | Expressions): QObject | Expressions {
  if (arg instanceof QObject || arg === null || typeof arg !== "object" || Array.isArray(arg)) return arg;
  if (arg.branch !== null && arg.branch_id !== null) return arg;
  return Object.fromEntries(
    Object.entries(arg).filter(([k, v]) => !((k === "branch" || k === "branch_id") && v === null)),
  );
}
