// A trigram index per registry over its search document (every char and text field joined), so that
// search() over all fields finds its candidates through one index instead of scanning the table.
import type { Knex } from "knex";
import { registrySpecs } from "../schema/catalog";
import { searchDocument, searchFields } from "../query/search";

const indexName = (table: string) => `${table}_search_trgm`;

export async function up(knex: Knex): Promise<void> {
  const trgm = await knex.raw("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
  if (trgm.rows.length === 0) return; // see 0002: search works without it, only slower
  for (const model of registrySpecs) {
    if (searchFields(model).length === 0) continue;
    await knex.raw(
      `CREATE INDEX IF NOT EXISTS ?? ON ?? USING gin ((${searchDocument(model).toStaticText()}) gin_trgm_ops)`,
      [indexName(model.table), model.table],
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const model of registrySpecs) await knex.raw("DROP INDEX IF EXISTS ??", [indexName(model.table)]);
}
