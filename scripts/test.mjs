// `npm test`: lint and types, the build, then every suite against real parts: one throwaway
// PostgreSQL server shared by the run (each test file makes its own database on it), PgBouncer in
// transaction mode in front of it, a streaming replica of it, PGlite,
// headless Chromium for the renderers, and the end-to-end suite last.
// `node scripts/test.mjs <suite>...` runs only some suites: static, db, renderer, server, extension;
// test files named after them (`node scripts/test.mjs server test/server/pooler.test.ts`) narrow those suites
// to the named files.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startPgbouncer } from "./pgbouncer.mjs";
import { startPostgres } from "./postgres.mjs";
import { startReplica } from "./replica.mjs";

const args = process.argv.slice(2);
const only = args.filter((a) => a.endsWith(".test.ts")).map((f) => join(f));
const argv = args.filter((a) => !a.endsWith(".test.ts"));
const wanted = (s) => argv.length === 0 || argv.includes(s);
let failed = false;

// An interrupt (Ctrl-C, a CI timeout's SIGTERM) reaches the running step, no later step starts, and the
// clusters and PgBouncer this script started are stopped below before it exits: with a blocking spawn
// the interrupt ended this script at once and left them running.
let interrupted;
let running;
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    if (!interrupted) console.log(`\n== ${signal}: stopping`);
    interrupted = signal;
    running?.kill(signal);
  });

async function step(name, cmd, args, env = {}) {
  if (interrupted) return false;
  console.log(`\n== ${name}: ${cmd} ${args.join(" ")}`);
  const started = Date.now();
  const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  running = child;
  const status = await new Promise((resolve) => {
    child.once("error", (e) => {
      console.log(`== ${name}: ${e.message}`);
      resolve(1);
    });
    child.once("close", (code) => resolve(code ?? 1));
  });
  running = undefined;
  console.log(
    `== ${name}: ${status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (status !== 0) failed = true;
  return status === 0;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => only.length === 0 || only.includes(f));
}

const totals = { passed: 0, failed: 0, skipped: 0 };
mkdirSync(".test-output", { recursive: true });

async function nodeTests(name, files, env, concurrency = 2) {
  if (files.length === 0) return;
  // per process: two runs in one checkout (a helper's targeted suite beside another) must not read
  // each other's half-written file
  const countFile = join(".test-output", `${name}.${process.pid}.counts.json`);
  const reporters = ["--test-reporter=spec", "--test-reporter-destination=stdout"];
  reporters.push("--test-reporter=./scripts/count-reporter.mjs", `--test-reporter-destination=${countFile}`);
  rmSync(countFile, { force: true });
  const ok = await step(
    name,
    process.execPath,
    ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, ...reporters, ...files],
    env,
  );
  // an interrupted reporter may leave the file empty: then the suite counts as one failure
  let counts;
  try {
    counts = JSON.parse(readFileSync(countFile, "utf8"));
  } catch {
    counts = undefined;
  }
  rmSync(countFile, { force: true });
  if (counts) for (const k of Object.keys(totals)) totals[k] += counts[k];
  else if (!ok) totals.failed++;
}

if (wanted("static")) {
  await step("lint", "npx", ["eslint", "."]);
  await step("format", "npx", ["prettier", "--check", "."]);
  await step("types", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  // checks of the code itself: each boundary rule refuses a violating import, no import cycles, the
  // protocol's documentation in step with its types
  await nodeTests("static", testFiles("test/static"), {});
}
await step("build", process.execPath, ["scripts/build.mjs"]);

const pg = wanted("db") || wanted("server") ? await startPostgres({ log: console.log }) : undefined;
let pooler;
let replica;
try {
  // PgBouncer in transaction mode in front of it and a streaming replica of it (a cluster started
  // here only: a DATABASE_URL server cannot be copied): the configuration a managed PostgreSQL has
  pooler = pg ? await startPgbouncer(pg.url, { log: console.log }) : undefined;
  replica = pg?.bin ? await startReplica(pg, { log: console.log }) : undefined;
  const env = pg
    ? {
        LAMIN_TEST_POSTGRES_URL: pg.url,
        LAMIN_TEST_PGBOUNCER_URL: pooler.url,
        ...(replica ? { LAMIN_TEST_REPLICA_URL: replica.url } : {}),
      }
    : {};
  if (wanted("db")) await nodeTests("db", testFiles("test/db"), env);
  if (wanted("renderer")) await nodeTests("renderer", testFiles("test/renderer"), env);
  if (wanted("server")) await nodeTests("server", testFiles("test/server"), env);
} finally {
  await pooler?.stop();
  await replica?.stop();
  await pg?.stop();
}
// The end-to-end suite drives a real VS Code through Chromium, on a real Python kernel. Run once: a
// failure is a bug to fix (in the product or the test), never something to retry.
if (wanted("extension")) {
  // what every end-to-end file's prepare() installs (Chromium, code-server, the Jupyter packages), done
  // once up front: two files' installs of code-server into one folder raced (fresh clone 31)
  await step("e2e prerequisites", process.execPath, ["--import", "tsx", "test/extension/e2e/prepare.ts"]);
  // one end-to-end file at a time: each drives a whole code-server, Chromium and Python kernel, which two
  // at once leave starved on a 2-core machine
  await nodeTests("extension", testFiles("test/extension"), {}, 1);
}

const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
if (failed && totals.failed === 0) console.log("\na step failed (see above)");
// the closing line CI reads: N passed, N failed
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(interrupted ? 130 : failed ? 1 : 0);
