// A streaming replica of the throwaway PostgreSQL server (scripts/postgres.mjs), as a team runs one
// for reads: `pg_basebackup -R` on loopback from the same installed binaries, then a hot standby on
// a free port that replays the primary's WAL as it streams in, through a physical replication slot.
// Returns its URL and a stop() that ends it, drops its slot and removes its folder.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, isRoot, run } from "./postgres.mjs";

/** `primary` is what startPostgres() returned for a cluster it started (not a DATABASE_URL one). */
export async function startReplica(primary, { log = () => {} } = {}) {
  if (!primary.bin || !primary.port) throw new Error("A replica needs a primary these tests started");
  const base = mkdtempSync(join(tmpdir(), "lamin-replica-"));
  chmodSync(base, 0o755);
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", base]);
  const data = join(base, "data");
  const port = await freePort();
  const slot = `lamin_replica_${port}`;
  const started = Date.now();
  try {
    // -R writes standby.signal and primary_conninfo (and, with -C -S, primary_slot_name); -X stream
    // copies the WAL the backup needs; a fast checkpoint and no fsync keep it to about a second on an
    // almost empty cluster. The slot keeps the primary's WAL until the replica has it: without it, a
    // replica that fell behind on a busy machine while the tests' CREATE DATABASE checkpoints recycled
    // segments asked for one already removed, and stayed behind for good (fresh clone 90)
    run(join(primary.bin, "pg_basebackup"), [
      ...["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres"],
      ...["-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync", "-C", "-S", slot],
    ]);
    chmodSync(data, 0o700);
    run(join(primary.bin, "pg_ctl"), [
      ...["-D", data, "-w", "-s", "-l", join(base, "log")],
      "-o",
      `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections=200`,
      "start",
    ]);
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  log(`PostgreSQL streaming replica on 127.0.0.1:${port} (${Date.now() - started} ms)`);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        run(join(primary.bin, "pg_ctl"), ["-D", data, "-w", "-s", "-m", "immediate", "stop"]);
        // a slot nobody reads keeps the primary's WAL until the primary stops; dropping it fails if the
        // primary is gone already or its walsender has not yet exited, and either is harmless for a
        // throwaway primary
        try {
          run(join(primary.bin, "psql"), [
            ...["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-d", "postgres"],
            ...["-Atc", `SELECT pg_drop_replication_slot('${slot}')`],
          ]);
        } catch {
          // see above
        }
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
