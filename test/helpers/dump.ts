// A full dump of a database, for tests that assert nothing was written: every table outside the
// system schemas, and every row of each as JSON text, sorted.
import knexFactory from "knex";
import { createPglite } from "../../db/index";

export interface Dump {
  tables: string[];
  rows: Record<string, string[]>;
}

type Query = (text: string) => Promise<Array<Record<string, unknown>>>;

async function dumpWith(query: Query): Promise<Dump> {
  const tables = (
    await query(
      `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    )
  ).map((r) => String(r.name));
  const rows: Record<string, string[]> = {};
  // table names come from the catalog, quoted by quote_ident
  for (const t of tables)
    rows[t] = (await query(`SELECT to_jsonb(t)::text AS r FROM ${t} t ORDER BY 1`)).map((r) => String(r.r));
  return { tables, rows };
}

/** A PostgreSQL database by URL. */
export async function dumpPostgres(url: string): Promise<Dump> {
  const knex = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 1 } });
  try {
    return await dumpWith(async (text) => (await knex.raw(text)).rows);
  } finally {
    await knex.destroy();
  }
}

/** An embedded folder no process holds. */
export async function dumpFolder(dir: string): Promise<Dump> {
  const pglite = await createPglite(dir);
  try {
    return await dumpWith(async (text) => (await pglite.query<Record<string, unknown>>(text)).rows);
  } finally {
    await pglite.close();
  }
}
