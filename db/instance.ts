// An open LaminDB instance: one Knex handle on PostgreSQL or PGlite, the current user, and the
// schema state. Registries use the default instance unless given another (Registry.connect()).
import { AsyncLocalStorage } from "node:async_hooks";
import type { Knex } from "knex";
import { NotConnected } from "./errors";
import type { SchemaState } from "./migrations";
import { mapDbError } from "./connection/db-errors";
import { PooledStatements, type StatementRunner } from "./connection/pooled-query";
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
   * Whether connections may hold named prepared statements. Not through pglite-socket: its
   * connections share PGlite's single session, where a second PREPARE of a name fails (42P05).
   */
  namedStatements: boolean;
  /** A PostgreSQL server reached through a transaction-mode pooler (connection/pooler.ts). */
  pooled: boolean;
  /** Where the data lives, without credentials: a URL, a folder, or ":memory:". */
  location: string;
  schema: SchemaState;
}

/** The instance registries use inside Instance.using(): a server's reads on a replica. */
const scoped = new AsyncLocalStorage<Instance>();

export class Instance {
  private closed = false;
  private static defaultInstance: Instance | undefined;
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
    const inScope = scoped.getStore();
    if (inScope) return inScope;
    if (!Instance.defaultInstance) {
      throw new NotConnected("Not connected to a LaminDB instance: call connect() first.");
    }
    return Instance.defaultInstance;
  }

  static setDefault(instance: Instance | undefined): void {
    Instance.defaultInstance = instance;
  }

  /**
   * Runs fn with `instance` as the default of every registry call it makes (and of their promises),
   * leaving the process-wide default alone: concurrent requests may each use another instance.
   */
  static using<T>(instance: Instance, fn: () => Promise<T>): Promise<T> {
    return scoped.run(instance, fn);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (Instance.defaultInstance === this) Instance.defaultInstance = undefined;
    await this.release();
  }
}
