// The run's streaming replica of the throwaway primary (started by scripts/test.mjs:
// LAMIN_TEST_REPLICA_URL): URLs of a test database on it, waiting for it to replay the primary's
// present position (by LSN), and pausing/resuming its replay (a real standby state).
import knexFactory, { type Knex } from "knex";

export function replicaUrl(): string {
  const url = process.env.LAMIN_TEST_REPLICA_URL;
  if (!url) throw new Error("No replica for tests: run through `npm test` (or set LAMIN_TEST_REPLICA_URL)");
  return url;
}

/** A database's URL on the primary, on the replica instead (same user and database name). */
export function onReplica(databaseUrl: string, replica = replicaUrl()): string {
  const r = new URL(replica);
  const u = new URL(databaseUrl);
  u.hostname = r.hostname;
  u.port = r.port;
  return u.toString();
}

/** A one-connection handle on the replica's `postgres` database, for replay control. */
export function replicaAdmin(): Knex {
  return knexFactory({ client: "pg", connection: replicaUrl(), pool: { min: 0, max: 1 } });
}

/**
 * Resolves once the replica has replayed everything the primary (`primary`: any of its databases) has
 * now. `hangGuardMs` only ends a wait for a replica that stopped streaming (it then fails, saying so).
 */
export async function waitForReplay(primary: Knex, replica: Knex, hangGuardMs = 5 * 60_000): Promise<void> {
  const target = (await primary.raw("SELECT pg_current_wal_insert_lsn()::text AS lsn")).rows[0].lsn;
  const until = Date.now() + hangGuardMs;
  for (;;) {
    const r = await replica.raw("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn AS done", [target]);
    if (r.rows[0].done) return;
    if (Date.now() > until) {
      const receiver = await replica.raw(
        "SELECT status, flushed_lsn::text AS flushed FROM pg_stat_wal_receiver",
      );
      throw new Error(`the replica did not replay ${target}: WAL receiver ${JSON.stringify(receiver.rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // pacing the question only
  }
}

async function replayState(replica: Knex): Promise<string> {
  return String((await replica.raw("SELECT pg_get_wal_replay_pause_state() AS s")).rows[0].s);
}

/** Pauses the replica's replay and resolves once it is paused (not merely requested). */
export async function pauseReplay(replica: Knex): Promise<void> {
  await replica.raw("SELECT pg_wal_replay_pause()");
  while ((await replayState(replica)) !== "paused") await new Promise((r) => setTimeout(r, 20));
}

export async function resumeReplay(replica: Knex): Promise<void> {
  await replica.raw("SELECT pg_wal_replay_resume()");
}
