// PgBouncer in transaction mode in front of a PostgreSQL server, as managed services run it, for the
// tests and benchmarks: Debian's `pgbouncer` (installed when missing), on a free loopback port, every
// database of the server reachable under its own name. Returns its URL, the pid of the process that
// runs it (PgBouncer or, as root, the runuser above it) and a stop() that ends it and removes its
// folder. As root it runs as the `postgres` user (it refuses root).
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aptInstall } from "./apt.mjs";
import { commandLine, ensurePostgresUser, freePort, isRoot } from "./postgres.mjs";

const BINARY = "/usr/sbin/pgbouncer";

export function ensurePgbouncer({ log = console.log } = {}) {
  aptInstall(["pgbouncer"], {
    why: "the connection pooler the tests run through (PgBouncer)",
    logFile: join(process.cwd(), ".test-output", "apt-pgbouncer.log"),
    log,
  });
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing although pgbouncer is installed`);
  return BINARY;
}

/** Resolves once something accepts TCP connections on the port; rejects if `exited` settles first. */
function accepting(port, exited) {
  return new Promise((resolve, reject) => {
    let done = false;
    exited.then((why) => {
      if (!done) {
        done = true;
        reject(why);
      }
    });
    const attempt = () => {
      if (done) return;
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        if (!done) {
          done = true;
          resolve();
        }
      });
      // not listening yet: the next attempt starts when this one has failed (no fixed delay)
      socket.once("error", () => setImmediate(attempt));
    };
    attempt();
  });
}

/**
 * Starts PgBouncer (pool_mode = transaction) in front of `url`'s server. The returned `url` is
 * `url` with PgBouncer's host and port: the same user and database, through the pooler.
 * `queryWaitTimeoutSeconds`: PgBouncer's query_wait_timeout (its default, 120 s, when not given): how
 * long a statement waits for a server connection, e.g. while the server is down, before it fails.
 */
export async function startPgbouncer(url, { log = () => {}, poolSize = 20, queryWaitTimeoutSeconds } = {}) {
  if (
    queryWaitTimeoutSeconds !== undefined &&
    !(Number.isInteger(queryWaitTimeoutSeconds) && queryWaitTimeoutSeconds > 0)
  )
    throw new Error(`queryWaitTimeoutSeconds is a positive integer, not ${queryWaitTimeoutSeconds}`);
  const bin = ensurePgbouncer({ log });
  if (isRoot) ensurePostgresUser();
  const server = new URL(url);
  const base = mkdtempSync(join(tmpdir(), "lamin-pgbouncer-"));
  chmodSync(base, 0o755);
  const port = await freePort();
  const target = [
    `host=${server.hostname}`,
    `port=${server.port || 5432}`,
    `user=${decodeURIComponent(server.username || "postgres")}`,
    ...(server.password ? [`password=${decodeURIComponent(server.password)}`] : []),
  ].join(" ");
  const ini = join(base, "pgbouncer.ini");
  writeFileSync(
    ini,
    [
      "[databases]",
      // every database of the server under its own name, logged in as the URL's user
      `* = ${target}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      // clients are not authenticated by PgBouncer: the server behind it is a throwaway one
      "auth_type = any",
      "pool_mode = transaction",
      "max_client_conn = 2000",
      `default_pool_size = ${poolSize}`,
      ...(queryWaitTimeoutSeconds ? [`query_wait_timeout = ${queryWaitTimeoutSeconds}`] : []),
      `logfile = ${join(base, "pgbouncer.log")}`,
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  if (isRoot) execFileSync("chown", ["-R", "postgres:postgres", base]);
  const [cmd, ...argv] = commandLine(bin, [ini]);
  const started = Date.now();
  // stderr to a file, not a pipe: PgBouncer logs every connection there too, and `npm test` runs the
  // suites with spawnSync, so nothing would read a pipe; once it was full PgBouncer blocked on its
  // next log line and every pooled connection timed out (fresh clone 34's server suite)
  const stderrFile = join(base, "stderr.log");
  const stderrFd = openSync(stderrFile, "w");
  const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", stderrFd] });
  closeSync(stderrFd);
  const tail = (file) =>
    existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-5).join("\n") : "";
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) =>
      resolve(
        new Error(
          `pgbouncer exited (${code ?? signal}): ${tail(stderrFile)}${tail(join(base, "pgbouncer.log"))}`,
        ),
      ),
    ),
  );
  try {
    await accepting(port, exited);
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  log(`PgBouncer ${bin} (transaction mode) on 127.0.0.1:${port} (${Date.now() - started} ms)`);
  const pooled = new URL(url);
  pooled.hostname = "127.0.0.1";
  pooled.port = String(port);
  let stopped = false;
  return {
    url: pooled.toString(),
    port,
    pid: child.pid,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
