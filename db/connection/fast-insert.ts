// The hot path of save(): one INSERT ... RETURNING * straight on a pooled connection, as a named
// prepared statement on PostgreSQL (parsed and planned once per connection). Knex's query builder
// and runner cost more per statement than the insert itself (bench/db-bench.ts measures both).
// The connection still comes from Knex's pool, so transactions and PGlite's single connection are
// respected.
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import { ident } from "../query/compile";

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

const statements = new Map<string, { text: string; name: string }>();

function statementFor(table: string, columns: string[]): { text: string; name: string } {
  const key = `${table}\u0000${columns.join("\u0000")}`;
  let s = statements.get(key);
  if (!s) {
    const text =
      columns.length === 0
        ? `INSERT INTO ${ident(table)} DEFAULT VALUES RETURNING *`
        : `INSERT INTO ${ident(table)} (${columns.map(ident).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING *`;
    s = { text, name: `lamin_ins_${createHash("md5").update(text).digest("hex").slice(0, 16)}` };
    statements.set(key, s);
  }
  return s;
}

export async function insertReturning(
  knex: Knex,
  namedStatements: boolean,
  table: string,
  row: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const columns = Object.keys(row);
  const values = columns.map((c) => row[c]);
  const { text, name } = statementFor(table, columns);
  const client = knex.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    const result = namedStatements
      ? await connection.query({ name, text, values })
      : await connection.query(text, values);
    return result.rows[0];
  } finally {
    await client.releaseConnection(connection);
  }
}
