// The small driver interface the hot paths need (save()'s INSERT, completion's typeahead): run one
// statement straight on a pooled connection, named (parsed once per connection) or unnamed. Knex's
// builder and runner cost more per statement than these statements take in the database
// (bench/db-bench.ts, bench/server-bench.ts). The connection still comes from Knex's pool, so a
// transaction's connection and PGlite's single connection are respected; that pool is reached through
// Knex's client, which is not public API: package.json pins knex exactly, and this is the one file
// that touches it.
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import {
  pgArrayRows,
  pgliteArrayRows,
  pgliteBinaryArrayRows,
  pgliteColumnsAndRows,
  pgliteQueryColumnsAndRows,
  type RawPglite,
} from "./array-rows";

/** A statement in PostgreSQL's form: `$1, $2, ...` placeholders (see Fragment.toPositional()). */
export interface Statement {
  text: string;
  values: readonly unknown[];
}

export interface StatementOptions {
  /** Parse once per connection as a named prepared statement, where the connection allows it. */
  prepare?: boolean;
}

/** What the hot paths ask of a database connection. */
export interface StatementRunner {
  query(statement: Statement, options?: StatementOptions): Promise<Array<Record<string, unknown>>>;
}

interface PooledConnection {
  query(
    config: { name: string; text: string; values: unknown[] } | string,
    values?: unknown[],
  ): Promise<{ rows: Array<Record<string, unknown>> }>;
  /** PGlite's: many statements in one call (node-postgres takes them in query() without values). */
  exec?: (sql: string) => Promise<unknown>;
}

/** The parts of tarn's pool (Knex's pool) a kept connection needs: its public events. */
interface Pool {
  on(event: "acquireRequest", listener: () => void): void;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
  pool?: Pool;
}

/** fn on a connection of knex's pool (or its transaction's connection), released afterwards. */
async function withConnection<R>(
  knex: Knex | Knex.Transaction,
  fn: (connection: PooledConnection) => Promise<R>,
): Promise<R> {
  const client = knex.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    return await fn(connection);
  } finally {
    await client.releaseConnection(connection);
  }
}

const names = new Map<string, string>();

/** A stable statement name for a text: the same on every connection, so each parses it once. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `lamin_${createHash("md5").update(text).digest("hex").slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Statements on connections of a Knex pool. `namedStatements`: whether its connections may hold
 * named prepared statements (PostgreSQL servers; not PGlite through its holder's socket, not a transaction-mode pooler);
 * where they may not, every statement runs unnamed.
 *
 * A statement's connection is kept (still checked out of the pool) until the event loop's next check
 * phase rather than handed back at once: the next statement, when it follows straight on (a loop of
 * save()s, each awaited), runs on it without the pool's acquire (tarn's timers, validation and some
 * thirty promises: about as much CPU as the INSERT's own driver work, bench/db-bench.ts). Whoever asks
 * the pool for a connection meanwhile (Knex, a transaction) gets the kept one at once, so no more
 * connections are opened than before and none waits; the pool's idle reaping sees it free again
 * within the same turn of the event loop.
 */
export class PooledStatements implements StatementRunner {
  /** The last statement's connection, not running anything, until handBack() (see above). */
  private kept: PooledConnection | undefined;
  private releaseScheduled = false;
  /** The pool whose acquireRequest events hand the kept connection back (Knex may open a new one). */
  private watched: Pool | undefined;

  private readonly client: PoolClient;

  constructor(
    knex: Knex,
    private readonly namedStatements: boolean,
  ) {
    this.client = knex.client as unknown as PoolClient;
  }

  async query(statement: Statement, options: StatementOptions = {}): Promise<Array<Record<string, unknown>>> {
    const { text } = statement;
    const values = statement.values as unknown[];
    const connection = this.takeKept() ?? (await this.client.acquireConnection());
    try {
      const result =
        options.prepare && this.namedStatements
          ? await connection.query({ name: statementName(text), text, values })
          : await connection.query(text, values);
      return result.rows;
    } finally {
      this.keep(connection);
    }
  }

  /** The kept connection, unless the driver reported it broken: Knex's own check on acquire. */
  private takeKept(): PooledConnection | undefined {
    const connection = this.kept;
    if (!connection) return undefined;
    this.kept = undefined;
    if (!(connection as { __knex__disposed?: unknown }).__knex__disposed) return connection;
    void this.client.releaseConnection(connection); // the pool's validation then destroys it
    return undefined;
  }

  private keep(connection: PooledConnection): void {
    const pool = this.client.pool;
    // a second connection (statements ran side by side) goes back at once; so does every connection
    // of a pool this cannot watch
    if (this.kept || typeof pool?.on !== "function") {
      void this.client.releaseConnection(connection);
      return;
    }
    if (this.watched !== pool!) {
      this.watched = pool;
      pool.on("acquireRequest", this.handBack);
    }
    this.kept = connection;
    if (!this.releaseScheduled) {
      this.releaseScheduled = true;
      setImmediate(this.releaseKept);
    }
  }

  private readonly releaseKept = (): void => {
    this.releaseScheduled = false;
    this.handBack();
  };

  /** The kept connection back to the pool, if one is kept. */
  private readonly handBack = (): void => {
    const connection = this.kept;
    if (!connection) return;
    this.kept = undefined;
    void this.client.releaseConnection(connection);
  };
}

/**
 * Runs a fixed multi-statement script (never input) in one round trip on knex's connection or
 * transaction: PGlite's exec(), or node-postgres' simple query protocol (a query without values).
 */
export async function execScript(knex: Knex | Knex.Transaction, sql: string): Promise<void> {
  await withConnection(knex, async (connection) => {
    if (typeof connection.exec === "function") await connection.exec(sql);
    else await connection.query(sql);
  });
}

/**
 * A variant of a statement for PGlite's raw path, whose columns marked in `binaryColumns` come in
 * PostgreSQL's binary format (array-rows.ts reads binary timestamptz only): one entry per column.
 */
export interface RawVariant<S = Statement> {
  statement: S;
  binaryColumns: readonly boolean[];
}

/**
 * A statement's rows as arrays of its columns, on knex's connection or transaction, by the driver's
 * fastest read path (array-rows.ts): for reads of many rows. `raw`: what PGlite runs instead when
 * its raw path can send the values (the same rows, some columns read from binary). `sent` hears
 * each statement as it goes to the driver: the one the database runs, whichever it is.
 */
export async function arrayRows(
  knex: Knex | Knex.Transaction,
  statement: Statement,
  raw: RawVariant | undefined,
  sent: (statement: Statement) => void,
): Promise<unknown[][]> {
  return withConnection(knex, async (connection) => {
    if (typeof (connection as Partial<RawPglite>).execProtocolRawStream !== "function") {
      sent(statement);
      return pgArrayRows(connection as unknown as Parameters<typeof pgArrayRows>[0], statement);
    }
    const pglite = connection as unknown as RawPglite;
    if (!raw) {
      sent(statement);
      return pgliteArrayRows(pglite, statement);
    }
    sent(raw.statement);
    const rows = await pgliteBinaryArrayRows(pglite, raw.statement, raw.binaryColumns);
    if (rows) return rows;
    // values only query() can send, or an error reply: the statement itself through query(), which
    // raises the driver's own error (the raw path would run it once more only to fail the same way)
    sent(statement);
    return (await pgliteQueryColumnsAndRows(pglite, statement)).rows;
  });
}

/**
 * A statement's rows as objects, as a named statement parsed once per PGlite session and read through
 * the raw array path (array-rows.ts): for a statement repeated with other values whose parse and
 * analysis cost as much as its execution (search()). Undefined on a connection that is not PGlite.
 */
export async function pglitePreparedRows(
  knex: Knex | Knex.Transaction,
  statement: Statement,
): Promise<Array<Record<string, unknown>> | undefined> {
  return withConnection(knex, async (connection) => {
    if (typeof (connection as Partial<RawPglite>).execProtocolRawStream !== "function") return undefined;
    const { columns, rows } = await pgliteColumnsAndRows(connection as unknown as RawPglite, statement, {
      name: statementName(statement.text),
    });
    return rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) out[columns[i]!] = row[i];
      return out;
    });
  });
}
