// QuerySet: a lazy, chainable query over one registry, awaitable (-> records) and async-iterable.
import type { Knex } from "knex";
import { DoesNotExist, FieldError, InvalidArgument, MultipleResultsFound } from "../errors";
import { Instance } from "../instance";
import { fieldOf, queryableNames, type Relation } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { toCount } from "../connection/normalise";
import { Aliases, col, compileNode, ident, namesBranchOrIdentity, type Fragment } from "./compile";
import { leafKeys, QObject, toNode, type Expressions, type QNode } from "./q";

/** What a QuerySet needs from a registry class: its model and how to build records from rows. */
export interface RegistryLike<T> {
  readonly spec: ModelSpec;
  fromRow(row: Record<string, unknown>, instance: Instance): T;
}

/** Restricts a query to the records related to one owner record (a related manager). */
export interface Via {
  relation: Relation; // seen from the owner
  ownerId: number | string;
}

interface State {
  filters: QNode[];
  excludes: QNode[];
  scoped: boolean;
  via?: Via;
  order: string[];
  limit?: number;
  offset?: number;
  distinct: boolean;
}

export const MAIN_BRANCH_ID = 1;

export class QuerySet<T> implements PromiseLike<T[]>, AsyncIterable<T> {
  constructor(
    readonly registry: RegistryLike<T>,
    private readonly explicitInstance?: Instance,
    private readonly state: State = { filters: [], excludes: [], scoped: false, order: [], distinct: false },
  ) {}

  get instance(): Instance {
    return this.explicitInstance ?? Instance.current;
  }

  private with(patch: Partial<State>): QuerySet<T> {
    return new QuerySet(this.registry, this.explicitInstance, { ...this.state, ...patch });
  }

  filter(...args: Array<QObject | Expressions>): QuerySet<T> {
    const nodes = args.map(toNode);
    this.validate(nodes);
    return this.with({ filters: [...this.state.filters, ...nodes], scoped: true });
  }

  exclude(...args: Array<QObject | Expressions>): QuerySet<T> {
    const nodes = args.map(toNode);
    this.validate(nodes);
    return this.with({ excludes: [...this.state.excludes, ...nodes], scoped: true });
  }

  /** Field names, "-" for descending: orderBy("-started_at", "id"). */
  orderBy(...fields: string[]): QuerySet<T> {
    for (const f of fields) this.orderColumn(f);
    return this.with({ order: fields });
  }

  limit(n: number | null): QuerySet<T> {
    if (n !== null && (!Number.isSafeInteger(n) || n < 0))
      throw new InvalidArgument("limit() needs a non-negative integer");
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
    return this.state.order.length > 0;
  }

  /** A related manager's query: records related to one owner. */
  static via<T>(registry: RegistryLike<T>, via: Via, instance?: Instance): QuerySet<T> {
    return new QuerySet(registry, instance, {
      filters: [],
      excludes: [],
      scoped: false,
      order: [],
      distinct: false,
      via,
    });
  }

  // Compile once against a throwaway alias set so that bad field names fail at filter() time.
  private validate(nodes: QNode[]): void {
    const ctx = { aliases: new Aliases() };
    for (const n of nodes) compileNode(this.registry.spec, "t", n, ctx);
  }

  private orderColumn(f: string): string {
    const name = f.startsWith("-") ? f.slice(1) : f;
    const model = this.registry.spec;
    const field = fieldOf(model, name);
    const fk = model.foreignKeys.find((x) => x.column === name || x.name === name);
    if (!field && !fk) throw FieldError.unknown(name, queryableNames(model), model.name);
    return field ? field.column : fk!.column;
  }

  /** The WHERE clause over alias t0, for this query and for statements built on it. */
  where(aliases = new Aliases()): { alias: string; where: Fragment } {
    const model = this.registry.spec;
    const alias = aliases.next();
    const ctx = { aliases };
    const parts: Fragment[] = [];
    for (const n of this.state.filters) parts.push(compileNode(model, alias, n, ctx));
    for (const n of this.state.excludes) {
      const f = compileNode(model, alias, n, ctx);
      parts.push({ sql: `(${f.sql}) IS NOT TRUE`, bindings: f.bindings });
    }
    const keys = [...this.state.filters, ...this.state.excludes].flatMap(leafKeys);
    const hasBranch = model.foreignKeys.some((fk) => fk.name === "branch");
    if (this.state.scoped && hasBranch && !namesBranchOrIdentity(keys)) {
      // LaminDB's default scoping: the trash (-1) and the archive (0) are hidden
      parts.push({ sql: `${col(alias, "branch_id")} IN (?)`, bindings: [MAIN_BRANCH_ID] });
    }
    const via = this.state.via;
    if (via) {
      const r = via.relation;
      if (r.kind === "reverse")
        parts.push({ sql: `${col(alias, r.targetColumn)} = ?`, bindings: [via.ownerId] });
      else if (r.kind === "m2m") {
        const l = aliases.next();
        parts.push({
          sql: `EXISTS (SELECT 1 FROM ${ident(r.link.table)} ${ident(l)} WHERE ${col(l, r.targetColumn)} = ${col(alias, "id")} AND ${col(l, r.sourceColumn)} = ?)`,
          bindings: [via.ownerId],
        });
      } else {
        throw new Error(`internal: ${r.name} is a to-one relation`);
      }
    }
    if (parts.length === 0) return { alias, where: { sql: "TRUE", bindings: [] } };
    return {
      alias,
      where: {
        sql: parts.map((p) => `(${p.sql})`).join(" AND "),
        bindings: parts.flatMap((p) => p.bindings),
      },
    };
  }

  /** SELECT of whole rows (t0.*) with order, limit and offset. */
  selectSql(columns = "*", extraOrder: string[] = []): Fragment {
    const { alias, where } = this.where();
    const table = ident(this.registry.spec.table);
    const order = [...this.state.order, ...extraOrder].map((f) => {
      const c = this.orderColumn(f);
      return `${col(alias, c)} ${f.startsWith("-") ? "DESC" : "ASC"}`;
    });
    const select = columns === "*" ? `${ident(alias)}.*` : columns;
    let sql = `SELECT ${select} FROM ${table} ${ident(alias)} WHERE ${where.sql}`;
    const bindings = [...where.bindings];
    if (order.length) sql += ` ORDER BY ${order.join(", ")}`;
    if (this.state.limit !== undefined) {
      sql += " LIMIT ?";
      bindings.push(this.state.limit);
    }
    if (this.state.offset !== undefined) {
      sql += " OFFSET ?";
      bindings.push(this.state.offset);
    }
    return { sql, bindings };
  }

  private async rows(q: Fragment, db?: Knex | Knex.Transaction): Promise<Array<Record<string, unknown>>> {
    const instance = this.instance;
    return instance.run(async (x) => (await x.raw(q.sql, q.bindings as Knex.RawBinding[])).rows, db);
  }

  async toArray(): Promise<T[]> {
    const rows = await this.rows(this.selectSql());
    const instance = this.instance;
    return rows.map((r) => this.registry.fromRow(r, instance));
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
    const start = this.state.offset ?? 0;
    const end = this.state.limit === undefined ? Infinity : start + this.state.limit;
    for (let at = start; at < end; at += page) {
      const batch = await base.with({ offset: at, limit: Math.min(page, end - at) }).toArray();
      yield* batch;
      if (batch.length < page) return;
    }
  }

  async count(): Promise<number> {
    const inner = this.with({ order: [] }).selectSql(
      this.state.distinct ? `DISTINCT ${ident("t0")}.${ident("id")}` : "1",
    );
    const rows = await this.rows({
      sql: `SELECT count(*) AS n FROM (${inner.sql}) AS q`,
      bindings: inner.bindings,
    });
    return toCount(rows[0].n);
  }

  async exists(): Promise<boolean> {
    const inner = this.with({ order: [], limit: 1 }).selectSql("1");
    const rows = await this.rows({ sql: `SELECT EXISTS (${inner.sql}) AS e`, bindings: inner.bindings });
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

  /** Moves every matching record to the trash in one statement (LaminDB's QuerySet.delete()). */
  async delete(): Promise<number> {
    const model = this.registry.spec;
    if (!model.foreignKeys.some((fk) => fk.name === "branch")) {
      throw new InvalidArgument(`${model.name} records cannot be moved to the trash`);
    }
    const { trashMatching } = await import("../records/delete");
    return trashMatching(this.instance, model, this.with({ order: [], limit: undefined, offset: undefined }));
  }
}
