// A streaming replica of the throwaway PostgreSQL server (scripts/postgres.mjs), as a team runs one
// for reads: `pg_basebackup -R` on loopback from the same installed binaries, then a hot standby on
// a free port that replays the primary's WAL as it streams in. Returns its URL and a stop() that
// ends it and removes its folder.
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
  const started = Date.now();
  try {
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL the backup needs;
    // a fast checkpoint and no fsync keep it to about a second on an almost empty cluster
    run(join(primary.bin, "pg_basebackup"), [
      ...["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres"],
      ...["-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync"],
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
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
