// Change notifications for the language server's caches. Statement-level AFTER triggers (one
// notification per statement, so a bulk load of a million rows sends one, not a million) call
// pg_notify('lamin_changes', {table, op, id, ids, count}). On PGlite, where LISTEN cannot reach
// the processes that share a folder through pglite-socket, the trigger also bumps a per-table
// counter that those processes poll. The server's tracking also records applied event ids here.
// Databases created by LaminDB itself are never migrated (see index.ts), so none of this exists
// there and the server falls back to its own writes plus a cache time-to-live.
// A frozen snapshot, as every migration here: the SQL below is what it applies.
import type { Knex } from "knex";
import { execScript } from "./script";

export const NOTIFY_CHANNEL = "lamin_changes";
export const CHANGES_TABLE = "lamin_vscode_changes";
export const EVENTS_TABLE = "lamin_vscode_track_events";

const TABLES = String.raw`
CREATE TABLE IF NOT EXISTS lamin_vscode_changes (tbl text PRIMARY KEY, version bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS lamin_vscode_track_events (event_id varchar(200) PRIMARY KEY, run_id bigint, applied_at timestamptz NOT NULL DEFAULT STATEMENT_TIMESTAMP());
`;

// The counter is a hot row under concurrent writers; only PGlite (one session, serialised by
// pglite-socket's queue) needs it, so a PostgreSQL server's function only notifies.
const NOTIFY_FUNCTION = String.raw`
CREATE OR REPLACE FUNCTION lamin_vscode_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      n bigint;
      ids bigint[];
    BEGIN
      SELECT count(*) INTO n FROM changed_rows;
      IF n = 0 THEN RETURN NULL; END IF;
      SELECT array_agg(id) INTO ids FROM (SELECT id FROM changed_rows ORDER BY id LIMIT 50) s;
      PERFORM pg_notify('lamin_changes', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP, 'id', CASE WHEN n = 1 THEN ids[1] END, 'ids', ids, 'count', n)::text);
      
      RETURN NULL;
    END $$;
`;

const NOTIFY_AND_COUNT_FUNCTION = String.raw`
CREATE OR REPLACE FUNCTION lamin_vscode_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      n bigint;
      ids bigint[];
    BEGIN
      SELECT count(*) INTO n FROM changed_rows;
      IF n = 0 THEN RETURN NULL; END IF;
      SELECT array_agg(id) INTO ids FROM (SELECT id FROM changed_rows ORDER BY id LIMIT 50) s;
      PERFORM pg_notify('lamin_changes', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP, 'id', CASE WHEN n = 1 THEN ids[1] END, 'ids', ids, 'count', n)::text);
      INSERT INTO lamin_vscode_changes (tbl, version) VALUES (TG_TABLE_NAME, 1)
         ON CONFLICT (tbl) DO UPDATE SET version = lamin_vscode_changes.version + 1;
      RETURN NULL;
    END $$;
`;

const TRIGGERS = String.raw`
DROP TRIGGER IF EXISTS lamindb_run_lamin_notify_insert ON lamindb_run;
CREATE TRIGGER lamindb_run_lamin_notify_insert AFTER INSERT ON lamindb_run REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_run_lamin_notify_update ON lamindb_run;
CREATE TRIGGER lamindb_run_lamin_notify_update AFTER UPDATE ON lamindb_run REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_run_lamin_notify_delete ON lamindb_run;
CREATE TRIGGER lamindb_run_lamin_notify_delete AFTER DELETE ON lamindb_run REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_transform_lamin_notify_insert ON lamindb_transform;
CREATE TRIGGER lamindb_transform_lamin_notify_insert AFTER INSERT ON lamindb_transform REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_transform_lamin_notify_update ON lamindb_transform;
CREATE TRIGGER lamindb_transform_lamin_notify_update AFTER UPDATE ON lamindb_transform REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_transform_lamin_notify_delete ON lamindb_transform;
CREATE TRIGGER lamindb_transform_lamin_notify_delete AFTER DELETE ON lamindb_transform REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_ulabel_lamin_notify_insert ON lamindb_ulabel;
CREATE TRIGGER lamindb_ulabel_lamin_notify_insert AFTER INSERT ON lamindb_ulabel REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_ulabel_lamin_notify_update ON lamindb_ulabel;
CREATE TRIGGER lamindb_ulabel_lamin_notify_update AFTER UPDATE ON lamindb_ulabel REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_ulabel_lamin_notify_delete ON lamindb_ulabel;
CREATE TRIGGER lamindb_ulabel_lamin_notify_delete AFTER DELETE ON lamindb_ulabel REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_record_lamin_notify_insert ON lamindb_record;
CREATE TRIGGER lamindb_record_lamin_notify_insert AFTER INSERT ON lamindb_record REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_record_lamin_notify_update ON lamindb_record;
CREATE TRIGGER lamindb_record_lamin_notify_update AFTER UPDATE ON lamindb_record REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_record_lamin_notify_delete ON lamindb_record;
CREATE TRIGGER lamindb_record_lamin_notify_delete AFTER DELETE ON lamindb_record REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_project_lamin_notify_insert ON lamindb_project;
CREATE TRIGGER lamindb_project_lamin_notify_insert AFTER INSERT ON lamindb_project REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_project_lamin_notify_update ON lamindb_project;
CREATE TRIGGER lamindb_project_lamin_notify_update AFTER UPDATE ON lamindb_project REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_project_lamin_notify_delete ON lamindb_project;
CREATE TRIGGER lamindb_project_lamin_notify_delete AFTER DELETE ON lamindb_project REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_feature_lamin_notify_insert ON lamindb_feature;
CREATE TRIGGER lamindb_feature_lamin_notify_insert AFTER INSERT ON lamindb_feature REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_feature_lamin_notify_update ON lamindb_feature;
CREATE TRIGGER lamindb_feature_lamin_notify_update AFTER UPDATE ON lamindb_feature REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_feature_lamin_notify_delete ON lamindb_feature;
CREATE TRIGGER lamindb_feature_lamin_notify_delete AFTER DELETE ON lamindb_feature REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_artifact_lamin_notify_insert ON lamindb_artifact;
CREATE TRIGGER lamindb_artifact_lamin_notify_insert AFTER INSERT ON lamindb_artifact REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_artifact_lamin_notify_update ON lamindb_artifact;
CREATE TRIGGER lamindb_artifact_lamin_notify_update AFTER UPDATE ON lamindb_artifact REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_artifact_lamin_notify_delete ON lamindb_artifact;
CREATE TRIGGER lamindb_artifact_lamin_notify_delete AFTER DELETE ON lamindb_artifact REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_collection_lamin_notify_insert ON lamindb_collection;
CREATE TRIGGER lamindb_collection_lamin_notify_insert AFTER INSERT ON lamindb_collection REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_collection_lamin_notify_update ON lamindb_collection;
CREATE TRIGGER lamindb_collection_lamin_notify_update AFTER UPDATE ON lamindb_collection REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
DROP TRIGGER IF EXISTS lamindb_collection_lamin_notify_delete ON lamindb_collection;
CREATE TRIGGER lamindb_collection_lamin_notify_delete AFTER DELETE ON lamindb_collection REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes();
`;

async function isPglite(knex: Knex): Promise<boolean> {
  const r = await knex.raw("SELECT version() AS v");
  return /emscripten|pglite/i.test(String(r.rows[0].v));
}

export async function up(knex: Knex): Promise<void> {
  const fn = (await isPglite(knex)) ? NOTIFY_AND_COUNT_FUNCTION : NOTIFY_FUNCTION;
  await execScript(knex, TABLES + fn + TRIGGERS);
}
