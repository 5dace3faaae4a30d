// Runs a migration's SQL script in one round trip on the migration's own connection: PGlite's
// exec() and node-postgres' simple query protocol both take many statements at once. Statement by
// statement, creating LaminDB's 85 tables costs about twice as long on PGlite.
import type { Knex } from "knex";

interface ScriptConnection {
  exec?: (sql: string) => Promise<unknown>; // PGlite
  query: (sql: string) => Promise<unknown>; // pg.Client: no values, so the simple protocol
}

interface ConnectionClient {
  acquireConnection(): Promise<ScriptConnection>;
  releaseConnection(connection: ScriptConnection): Promise<unknown>;
}

/** Executes `sql` (a fixed script from this folder, never input) on knex's connection or transaction. */
export async function execScript(knex: Knex | Knex.Transaction, sql: string): Promise<void> {
  const client = knex.client as unknown as ConnectionClient;
  const connection = await client.acquireConnection();
  try {
    if (typeof connection.exec === "function") await connection.exec(sql);
    else await connection.query(sql);
  } finally {
    await client.releaseConnection(connection);
  }
}
