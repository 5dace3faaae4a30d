// An open LaminDB instance: one Knex handle on PostgreSQL or PGlite, the current user, and the
// schema state. Registries use the instance of the current scope (Instance.runWith: a host with
// several instances in one process, such as two language servers), else the default instance, unless
// given another (Registry.connect()).
import { AsyncLocalStorage } from "node:async_hooks";
import type { Knex } from "knex";
import { NotConnected } from "./errors";
import type { SchemaState } from "./migrations";
import { mapDbError } from "./connection/db-errors";
import {
  arrayRows,
  pglitePreparedRows,
  PooledStatements,
  type StatementRunner,
  type RawVariant,
} from "./connection/pooled-query";
import { throwIfCancelled } from "./connection/statement-guard";
import type { Fragment } from "./query/sql";

export type Executor = Knex | Knex.Transaction;

/** Runs a statement through Knex (a transaction's connection when given one) and returns its rows. */
export async function rowsOf(db: Executor, statement: Fragment): Promise<Array<Record<string, unknown>>> {
  const { sql, bindings } = statement.toKnex();
  return (await db.raw(sql, bindings as Knex.RawBinding[])).rows;
}

export interface InstanceInfo {
  kind: "postgres" | "pglite";
  /**
   * Whether connections may hold named prepared statements. Not to PGlite through its holder's socket: its
   * connections share PGlite's single session, where a second PREPARE of a name fails (42P05).
   */
  namedStatements: boolean;
  /** A PostgreSQL server reached through a transaction-mode pooler (connection/pooler.ts). */
  pooled: boolean;
  /**
   * What answers the statements: PGlite also when reached through its holder's socket (`kind` is then
   * "postgres"). PGlite plans in WebAssembly, on this machine: a statement costs more to plan, a round
   * trip less, than on a server.
   */
  engine: "postgres" | "pglite";
  /** Where the data lives, without credentials: a URL, a folder, or ":memory:". */
  location: string;
  schema: SchemaState;
}

export class Instance {
  private closed = false;
  private static defaultInstance: Instance | undefined;
  private static readonly scoped = new AsyncLocalStorage<Instance>();
  /** The hot paths' statements, straight on a pooled connection (connection/pooled-query.ts). */
  readonly statements: StatementRunner;

  constructor(
    readonly knex: Knex,
    readonly info: InstanceInfo,
    /** The user that created_by points to for records made through this instance. */
    readonly userId: number,
    private readonly release: () => Promise<void>,
  ) {
    this.statements = new PooledStatements(knex, info.namedStatements);
  }

  static get current(): Instance {
    const instance = Instance.scoped.getStore() ?? Instance.defaultInstance;
    if (!instance) {
      throw new NotConnected("Not connected to a LaminDB instance: call connect() first.");
    }
    return instance;
  }

  /** Runs fn with `instance` as Instance.current for everything it does (awaited inside the scope). */
  static runWith<T>(instance: Instance, fn: () => PromiseLike<T>): Promise<T> {
    return Instance.scoped.run(instance, async () => await fn());
  }

  static setDefault(instance: Instance | undefined): void {
    Instance.defaultInstance = instance;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs fn in a transaction (or in the caller's, when one is passed), mapping driver errors. */
  async transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>, outer?: Executor): Promise<T> {
    try {
      if (outer && "isTransaction" in outer && outer.isTransaction)
        return await fn(outer as Knex.Transaction);
      return await this.knex.transaction(fn);
    } catch (e) {
      throw mapDbError(e, this.info.location);
    }
  }

  /** Runs a read or single statement, mapping driver errors. */
  async run<T>(fn: (db: Executor) => Promise<T>, db: Executor = this.knex): Promise<T> {
    throwIfCancelled(); // PGlite cannot interrupt a statement: a cancelled caller sends no further one
    try {
      return await fn(db);
    } catch (e) {
      throw mapDbError(e, this.info.location);
    }
  }

  /** Runs a statement (through Knex, in the caller's transaction when one is passed) and returns its rows. */
  rows(statement: Fragment, db: Executor = this.knex): Promise<Array<Record<string, unknown>>> {
    return this.run((x) => rowsOf(x, statement), db);
  }

  /**
   * rows() for a statement sent again and again with other values (search()): on PGlite a named
   * statement, parsed once per session, read through the raw array path (its parse and analysis cost
   * more than a rare term's execution there; bench/db-bench.ts, search). On PostgreSQL, outside a
   * transaction, one unnamed statement straight on a pooled connection (this.statements, as
   * typeahead's), without Knex's raw builder and runner: unnamed, so each term is planned for its own
   * values (a generic plan cannot use the prefix index for `LIKE $1`).
   */
  preparedRows(statement: Fragment, db: Executor = this.knex): Promise<Array<Record<string, unknown>>> {
    if (this.info.kind !== "pglite") {
      if (db !== this.knex) return this.rows(statement, db);
      const positional = statement.toPositional();
      return this.run(() => this.statements.query(positional));
    }
    const positional = statement.toPositional();
    // Knex does not send it: its "query" event still reports it, as for every other statement
    this.knex.emit("query", { sql: positional.text, bindings: positional.values });
    return this.run(async (x) => (await pglitePreparedRows(x, positional)) ?? rowsOf(x, statement), db);
  }

  /**
   * A statement's rows as arrays of its columns, each value as rows() reads it, by the driver's fastest
   * path for many rows (connection/array-rows.ts).
   */
  arrayRows(statement: Fragment, db: Executor = this.knex, raw?: RawVariant<Fragment>): Promise<unknown[][]> {
    const positional = statement.toPositional();
    const variant = raw && { statement: raw.statement.toPositional(), binaryColumns: raw.binaryColumns };
    // Knex does not send it: its "query" event still reports the statement the driver runs, as for
    // every other statement
    const sent = (s: { text: string; values: readonly unknown[] }) =>
      this.knex.emit("query", { sql: s.text, bindings: s.values });
    return this.run((x) => arrayRows(x, positional, variant, sent), db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (Instance.defaultInstance === this) Instance.defaultInstance = undefined;
    await this.release();
  }
}
