// A trigram index per registry over its search document (every char and text field joined), so that
// search() over all fields finds its candidates through one index instead of scanning the table.
// The expressions are search()'s documents for the registries of that time (db/query/search.ts);
// registries added later have no such index. A frozen snapshot, as every migration here.
import type { Knex } from "knex";
import { execScript } from "./script";

const SEARCH_DOCUMENT_INDEXES = String.raw`
CREATE INDEX IF NOT EXISTS "lamindb_user_search_trgm" ON "lamindb_user" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("handle"::text, '') || E'\x1f' || coalesce("name"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_space_search_trgm" ON "lamindb_space" USING gin ((coalesce("name"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("description"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_branch_search_trgm" ON "lamindb_branch" USING gin ((coalesce("name"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("description"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_storage_search_trgm" ON "lamindb_storage" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("root"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("type"::text, '') || E'\x1f' || coalesce("region"::text, '') || E'\x1f' || coalesce("instance_uid"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_transform_search_trgm" ON "lamindb_transform" USING gin ((coalesce("version_tag"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("key"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("kind"::text, '') || E'\x1f' || coalesce("source_code"::text, '') || E'\x1f' || coalesce("hash"::text, '') || E'\x1f' || coalesce("reference"::text, '') || E'\x1f' || coalesce("reference_type"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_run_search_trgm" ON "lamindb_run" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("name"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("entrypoint"::text, '') || E'\x1f' || coalesce("reference"::text, '') || E'\x1f' || coalesce("reference_type"::text, '') || E'\x1f' || coalesce("cli_args"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_artifact_search_trgm" ON "lamindb_artifact" USING gin ((coalesce("version_tag"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("key"::text, '') || E'\x1f' || coalesce("_real_key"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("suffix"::text, '') || E'\x1f' || coalesce("kind"::text, '') || E'\x1f' || coalesce("otype"::text, '') || E'\x1f' || coalesce("hash"::text, '') || E'\x1f' || coalesce("_hash_type"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_collection_search_trgm" ON "lamindb_collection" USING gin ((coalesce("version_tag"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("key"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("hash"::text, '') || E'\x1f' || coalesce("reference"::text, '') || E'\x1f' || coalesce("reference_type"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_ulabel_search_trgm" ON "lamindb_ulabel" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("name"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("reference"::text, '') || E'\x1f' || coalesce("reference_type"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_record_search_trgm" ON "lamindb_record" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("name"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("reference"::text, '') || E'\x1f' || coalesce("reference_type"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_project_search_trgm" ON "lamindb_project" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("name"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("abbr"::text, '') || E'\x1f' || coalesce("url"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_feature_search_trgm" ON "lamindb_feature" USING gin ((coalesce("uid"::text, '') || E'\x1f' || coalesce("name"::text, '') || E'\x1f' || coalesce("_dtype_str"::text, '') || E'\x1f' || coalesce("_ounit_str"::text, '') || E'\x1f' || coalesce("unit"::text, '') || E'\x1f' || coalesce("description"::text, '') || E'\x1f' || coalesce("synonyms"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_jsonvalue_search_trgm" ON "lamindb_jsonvalue" USING gin ((coalesce("hash"::text, '')) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "lamindb_runblock_search_trgm" ON "lamindb_runblock" USING gin ((coalesce("version_tag"::text, '') || E'\x1f' || coalesce("uid"::text, '') || E'\x1f' || coalesce("content"::text, '') || E'\x1f' || coalesce("hash"::text, '') || E'\x1f' || coalesce("kind"::text, '')) gin_trgm_ops);
`;

export async function up(knex: Knex): Promise<void> {
  const trgm = await knex.raw("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
  if (trgm.rows.length === 0) return; // see 0002: search works without it, only slower
  await execScript(knex, SEARCH_DOCUMENT_INDEXES);
}
