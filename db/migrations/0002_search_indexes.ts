// Trigram indexes for search() and completion. pg_trgm ships with PostgreSQL's contrib package and
// with PGlite; on a server where it cannot be created (no contrib, no privilege) the migration
// records that and search falls back to plain scans, rather than refusing to open the database.
import type { Knex } from "knex";
import { allSpecs } from "../schema/catalog";
import { createExpressionIndexes } from "./ddl";

export async function up(knex: Knex): Promise<void> {
  const available = await knex.raw("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'");
  if (available.rows.length === 0) return;
  try {
    await knex.transaction(async (trx) => {
      await trx.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    });
  } catch {
    return; // no privilege: searches work without trigram indexes, only slower
  }
  for (const model of allSpecs) await createExpressionIndexes(knex, model, (trgm) => trgm);
}

export async function down(knex: Knex): Promise<void> {
  for (const model of allSpecs) {
    for (const ix of model.expressionIndexes) {
      if (ix.expression.includes("gin_trgm_ops")) await knex.raw("DROP INDEX IF EXISTS ??", [ix.name]);
    }
  }
}
