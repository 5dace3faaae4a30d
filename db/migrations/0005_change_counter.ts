// A change counter every process can poll, so windows that reach the server only through a
// transaction-mode pooler (where LISTEN cannot pass) still learn of other users' writes. The 0003
// triggers now also append (table, 1) to lamin_vscode_change in the writing transaction; a reader's
// `SELECT tbl, sum(n) ... GROUP BY tbl` moves exactly when such a transaction commits, whatever the
// commit order. Appending takes no row lock (a single counter row per table would serialise concurrent
// writers until they commit, and two tables' rows taken in opposite orders would deadlock). Now and
// then (about one statement in 32) the trigger folds the rows into one per table, in one statement,
// so every sum is unchanged in every snapshot; a transaction-scoped try-lock keeps it to one folder at
// a time, and a writer that does not get the lock simply skips folding. On PGlite the same table
// replaces 0003's per-table counter rows (dropped here). A frozen snapshot, as every migration here.
import type { Knex } from "knex";
import { execScript } from "./script";

export const CHANGE_TABLE = "lamin_vscode_change";

const SCRIPT = String.raw`
CREATE TABLE IF NOT EXISTS lamin_vscode_change (tbl text NOT NULL, n bigint NOT NULL DEFAULT 1);
CREATE OR REPLACE FUNCTION lamin_vscode_compact_changes() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT pg_try_advisory_xact_lock(7361029, 5) THEN RETURN; END IF;
      WITH gone AS (DELETE FROM lamin_vscode_change RETURNING tbl, n)
        INSERT INTO lamin_vscode_change (tbl, n) SELECT tbl, sum(n)::bigint FROM gone GROUP BY tbl;
    END $$;
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
      INSERT INTO lamin_vscode_change (tbl, n) VALUES (TG_TABLE_NAME, 1);
      IF random() < 0.03125 THEN PERFORM lamin_vscode_compact_changes(); END IF;
      RETURN NULL;
    END $$;
DROP TABLE IF EXISTS lamin_vscode_changes;
`;

export async function up(knex: Knex): Promise<void> {
  await execScript(knex, SCRIPT);
}
