// The embedded database: PGlite (PostgreSQL in WebAssembly) through knex-pglite, with pg_trgm.
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from "./normalise";

export async function openPglite(dir: string | undefined): Promise<{ knex: Knex; pglite: PGlite }> {
  const pglite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    extensions: { pg_trgm },
    parsers: { [INT8_OID]: parseInt8, [DATE_OID]: parseDate },
  });
  // knex-pglite is a CommonJS default export; a named import would silently fall back to `pg`.
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: "postgres",
    connection: () => ({ pglite: pglite }) as object,
  } as Knex.Config);
  return { knex, pglite };
}
