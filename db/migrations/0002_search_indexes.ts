// The project's indexes for search() and completion, beside LaminDB's own: lower(name) prefix
// indexes (btree, text_pattern_ops) and trigram (GIN gin_trgm_ops) indexes on name-like columns.
// pg_trgm ships with PostgreSQL's contrib package and with PGlite; on a server where it cannot be
// created (no contrib, no privilege) the trigram indexes are left out and search works by plain
// scans, rather than the database refusing to open. A frozen snapshot, as every migration here.
import type { Knex } from "knex";
import { execScript } from "./script";

const PREFIX_INDEXES = String.raw`
CREATE INDEX IF NOT EXISTS "lamindb_transform_key_lower_prefix" ON "lamindb_transform" (lower(key) text_pattern_ops);
CREATE INDEX IF NOT EXISTS "lamindb_artifact_key_lower_prefix" ON "lamindb_artifact" (lower(key) text_pattern_ops);
CREATE INDEX IF NOT EXISTS "lamindb_ulabel_name_lower_prefix" ON "lamindb_ulabel" (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS "lamindb_record_name_lower_prefix" ON "lamindb_record" (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS "lamindb_project_name_lower_prefix" ON "lamindb_project" (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS "lamindb_feature_name_lower_prefix" ON "lamindb_feature" (lower(name) text_pattern_ops);
`;

const TRIGRAM_INDEXES = String.raw`
CREATE INDEX IF NOT EXISTS "lamindb_transform_key_trgm" ON "lamindb_transform" USING gin (key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_run_name_trgm" ON "lamindb_run" USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_artifact_key_trgm" ON "lamindb_artifact" USING gin (key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_collection_key_trgm" ON "lamindb_collection" USING gin (key gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_ulabel_name_trgm" ON "lamindb_ulabel" USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_record_name_trgm" ON "lamindb_record" USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_project_name_trgm" ON "lamindb_project" USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_feature_name_trgm" ON "lamindb_feature" USING gin (name gin_trgm_ops);
`;

export async function up(knex: Knex): Promise<void> {
  await execScript(knex, PREFIX_INDEXES);
  const available = await knex.raw("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'");
  if (available.rows.length === 0) return;
  try {
    await knex.transaction(async (trx) => {
      await trx.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    });
  } catch {
    return; // no privilege: searches work without trigram indexes, only slower
  }
  await execScript(knex, TRIGRAM_INDEXES);
}
