// Change notifications for the language server's caches. Statement-level AFTER triggers (one
// notification per statement, so a bulk load of a million rows sends one, not a million) call
// pg_notify('lamin_changes', {table, op, id, ids, count}). On PGlite, where LISTEN cannot reach
// the processes that share a folder through pglite-socket, the trigger also bumps a per-table
// counter that those processes poll. The server's tracking also records applied event ids here.
// Databases created by LaminDB itself are never migrated (see index.ts), so none of this exists
// there and the server falls back to its own writes plus a cache time-to-live.
import type { Knex } from "knex";

export const NOTIFY_CHANNEL = "lamin_changes";
export const CHANGES_TABLE = "lamin_vscode_changes";
export const EVENTS_TABLE = "lamin_vscode_track_events";

const NOTIFIED_TABLES = [
  "lamindb_run",
  "lamindb_transform",
  "lamindb_ulabel",
  "lamindb_record",
  "lamindb_project",
  "lamindb_feature",
  "lamindb_artifact",
  "lamindb_collection",
];

const OPS = [
  { op: "INSERT", transition: "NEW" },
  { op: "UPDATE", transition: "NEW" },
  { op: "DELETE", transition: "OLD" },
] as const;

async function isPglite(knex: Knex): Promise<boolean> {
  const r = await knex.raw("SELECT version() AS v");
  return /emscripten|pglite/i.test(String(r.rows[0].v));
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE TABLE IF NOT EXISTS ${CHANGES_TABLE} (tbl text PRIMARY KEY, version bigint NOT NULL DEFAULT 0)`,
  );
  await knex.raw(
    `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (event_id varchar(200) PRIMARY KEY, run_id bigint, applied_at timestamptz NOT NULL DEFAULT STATEMENT_TIMESTAMP())`,
  );
  // The counter is a hot row under concurrent writers; only PGlite (one session, serialised by
  // pglite-socket's queue) needs it, so a PostgreSQL server's function only notifies.
  const counter = (await isPglite(knex))
    ? `INSERT INTO ${CHANGES_TABLE} (tbl, version) VALUES (TG_TABLE_NAME, 1)
         ON CONFLICT (tbl) DO UPDATE SET version = ${CHANGES_TABLE}.version + 1;`
    : "";
  await knex.raw(`
    CREATE OR REPLACE FUNCTION lamin_vscode_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      n bigint;
      ids bigint[];
    BEGIN
      SELECT count(*) INTO n FROM changed_rows;
      IF n = 0 THEN RETURN NULL; END IF;
      SELECT array_agg(id) INTO ids FROM (SELECT id FROM changed_rows ORDER BY id LIMIT 50) s;
      PERFORM pg_notify('${NOTIFY_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME, 'op', TG_OP, 'id', CASE WHEN n = 1 THEN ids[1] END, 'ids', ids, 'count', n)::text);
      ${counter}
      RETURN NULL;
    END $$`);
  for (const table of NOTIFIED_TABLES) {
    for (const { op, transition } of OPS) {
      const name = `${table}_lamin_notify_${op.toLowerCase()}`;
      await knex.raw(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
      await knex.raw(
        `CREATE TRIGGER ${name} AFTER ${op} ON ${table} REFERENCING ${transition} TABLE AS changed_rows ` +
          `FOR EACH STATEMENT EXECUTE FUNCTION lamin_vscode_notify_changes()`,
      );
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of NOTIFIED_TABLES) {
    for (const { op } of OPS)
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_lamin_notify_${op.toLowerCase()} ON ${table}`);
  }
  await knex.raw("DROP FUNCTION IF EXISTS lamin_vscode_notify_changes()");
  await knex.raw(`DROP TABLE IF EXISTS ${EVENTS_TABLE}`);
  await knex.raw(`DROP TABLE IF EXISTS ${CHANGES_TABLE}`);
}
