// The embedded database: PGlite (PostgreSQL in WebAssembly) through knex-pglite, with pg_trgm.
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from "./normalise";

/**
 * PostgreSQL's default 128 MB of shared buffers live inside PGlite's WebAssembly memory, which is
 * resident and never shrinks; 16 MB hold a registry's hot index pages (an editor asks for a few
 * values at a time), and the rest is read through the operating system's file cache. Each MB of them
 * is a MB of the language server's memory (it holds the folder): 16 MB instead of 32 was 18 MB less
 * at a million ULabels; completion p50 within 0.4 ms, search p50 up to 1.8 ms slower in five
 * interleaved runs (docs/server.md). Passed on the command line, so the user's folder is not changed.
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  "-c",
  "shared_buffers=16MB",
  // The only named statements in PGlite's one session are search()'s (Instance.preparedRows): parsed
  // once, but planned for each term's values, as an unnamed statement is. A generic plan cannot use
  // the prefix index for `LIKE $1`, and PostgreSQL would switch to one once it looks cheap on average.
  "-c",
  "plan_cache_mode=force_custom_plan",
];

/** A PGlite database with what LaminDB needs (pg_trgm) and the memory settings above. */
export function createPglite(
  dir: string | undefined,
  options: Pick<PGliteOptions, "parsers"> = {},
): Promise<PGlite> {
  return PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    startParams: START_PARAMS,
    extensions: { pg_trgm },
    ...options,
  });
}

export async function openPglite(dir: string | undefined): Promise<{ knex: Knex; pglite: PGlite }> {
  const pglite = await createPglite(dir, { parsers: { [INT8_OID]: parseInt8, [DATE_OID]: parseDate } });
  // knex-pglite is a CommonJS default export; a named import would silently fall back to `pg`.
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: "postgres",
    connection: () => ({ pglite: pglite }) as object,
  } as Knex.Config);
  return { knex, pglite };
}
