// Statements on the hot paths run straight on a pooled connection: save()'s INSERT and completion's
// typeahead. Knex's builder and runner cost more per statement than these statements take in the
// database (bench/db-bench.ts, bench/server-bench.ts). The connection still comes from Knex's pool,
// so a transaction's connection and PGlite's single connection are respected.
import { createHash } from "node:crypto";
import type { Knex } from "knex";

interface PooledConnection {
  query(
    config: { name: string; text: string; values: unknown[] } | string,
    values?: unknown[],
  ): Promise<{ rows: Array<Record<string, unknown>> }>;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
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
 * Runs `text` ($1, $2, ... placeholders) with `values`. `prepared`: as a named prepared statement,
 * parsed once per connection (direct connections to PostgreSQL only; our connections plan each run for its values,
 * see connection/pooler.ts).
 */
export async function queryPooled(
  knex: Knex,
  text: string,
  values: unknown[],
  prepared = false,
): Promise<Array<Record<string, unknown>>> {
  const client = knex.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    const result = prepared
      ? await connection.query({ name: statementName(text), text, values })
      : await connection.query(text, values);
    return result.rows;
  } finally {
    await client.releaseConnection(connection);
  }
}

/** `?` placeholders (as in compiled filter fragments, which have no other `?`) to `$1, $2, ...`. */
export function positional(sql: string, count: number): string {
  let n = 0;
  const out = sql.replace(/\?/g, () => `$${++n}`);
  if (n !== count) throw new Error(`internal: ${n} placeholders for ${count} values`);
  return out;
}
