// The small driver interface the hot paths need (save()'s INSERT, completion's typeahead): run one
// statement straight on a pooled connection, named (parsed once per connection) or unnamed. Knex's
// builder and runner cost more per statement than these statements take in the database
// (bench/db-bench.ts, bench/server-bench.ts). The connection still comes from Knex's pool, so a
// transaction's connection and PGlite's single connection are respected; that pool is reached through
// Knex's client, which is not public API: package.json pins knex exactly, and this is the one file
// that touches it.
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { pgArrayRows, pgliteArrayRows, pgliteColumnsAndRows, type RawPglite } from "./array-rows";

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

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
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
 * named prepared statements (PostgreSQL servers; not pglite-socket, not a transaction-mode pooler);
 * where they may not, every statement runs unnamed.
 */
export class PooledStatements implements StatementRunner {
  constructor(
    private readonly knex: Knex,
    private readonly namedStatements: boolean,
  ) {}

  async query(statement: Statement, options: StatementOptions = {}): Promise<Array<Record<string, unknown>>> {
    const { text } = statement;
    const values = statement.values as unknown[];
    return withConnection(this.knex, async (connection) => {
      const result =
        options.prepare && this.namedStatements
          ? await connection.query({ name: statementName(text), text, values })
          : await connection.query(text, values);
      return result.rows;
    });
  }
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
 * A statement's rows as arrays of its columns, on knex's connection or transaction, by the driver's
 * fastest read path (array-rows.ts): for reads of many rows.
 */
export async function arrayRows(knex: Knex | Knex.Transaction, statement: Statement): Promise<unknown[][]> {
  return withConnection(knex, (connection) =>
    typeof (connection as Partial<RawPglite>).execProtocolRawStream === "function"
      ? pgliteArrayRows(connection as unknown as RawPglite, statement)
      : pgArrayRows(connection as unknown as Parameters<typeof pgArrayRows>[0], statement),
  );
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
