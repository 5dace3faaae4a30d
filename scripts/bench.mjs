// npm run bench [-- db server schema renderer queue activation package windows]: runs each benchmark that exists in its own Node
// process (one failure or crash does not hide the others' figures). Each merges its figures into this
// run's own file (LAMIN_BENCH_RESULTS, bench/data/results.run.json, emptied first), so nothing from an
// earlier run is mixed in. The runner then saves the assembled figures to bench/data/results.last.json
// before anything else can fail, writes bench/results.json (a full run replaces it; a named subset
// replaces only its own figures there) and prints the table. After a full run it rewrites README.md's
// benchmark section from bench/results.json (scripts/bench-readme.mjs), so the README shows that run only.
// Paths come from the repo root here: bench/figures.ts loaded through tsx's tsImport() has a `data:`
// URL for __dirname, so its RESULTS_FILE default names no file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(root, "bench", "results.json");
const DATA = join(root, "bench", "data");
const RUN_FILE = join(DATA, "results.run.json");
const LAST = join(DATA, "results.last.json");

/** Writes through a temporary file, so a crash never leaves half a results file. */
function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

const BENCHES = [
  { name: "db", file: "bench/db-bench.ts" },
  { name: "server", file: "bench/server-bench.ts" },
  { name: "schema", file: "bench/schema-bench.ts" },
  { name: "renderer", file: "bench/renderer/table-bench.ts" },
  { name: "queue", file: "bench/queue-bench.ts" },
  { name: "activation", file: "bench/activation-bench.ts" },
  { name: "package", file: "bench/package-bench.ts" },
  { name: "windows", file: "bench/windows-bench.ts" },
];

const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = args.filter((a) => !BENCHES.some((b) => b.name === a));
if (unknown.length) {
  console.error(`Unknown bench ${unknown.join(", ")}; choose from ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = BENCHES.filter((b) => args.length === 0 || args.includes(b.name));

const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`;
mkdirSync(DATA, { recursive: true });
rmSync(RUN_FILE, { force: true });
// the 1-minute load average around the whole run: the machine is shared, and the figures depend on it
const loadAtStart = Number(loadavg()[0].toFixed(2));

const outcomes = [];
for (const bench of selected) {
  if (!existsSync(join(root, bench.file))) {
    outcomes.push({ name: bench.name, status: "missing" });
    if (args.includes(bench.name)) console.error(`${bench.file} does not exist`);
    continue;
  }
  console.log(`\n== ${bench.name}: node --import tsx ${bench.file}`);
  const started = Date.now();
  // inherit stdio: long benches show progress, and a child's SIGINT arrives with ours
  const r = spawnSync(process.execPath, ["--import", "tsx", bench.file], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, LAMIN_BENCH_RESULTS: RUN_FILE },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const status = r.status === 0 ? "ok" : `failed (${r.signal ?? `exit ${r.status}`})`;
  outcomes.push({ name: bench.name, status, seconds });
}

// this run's figures, saved first: whatever fails below, they are in bench/data/results.last.json
const run = readJson(RUN_FILE);
const figures = run?.figures ?? [];
const assembled = {
  machine: {
    ...(run?.machine ?? {}),
    loadavgStart: loadAtStart,
    loadavgEnd: Number(loadavg()[0].toFixed(2)),
  },
  command,
  benches: Object.fromEntries(outcomes.map((o) => [o.name, o.status])),
  figures,
};
writeJson(LAST, assembled);
rmSync(RUN_FILE, { force: true });
console.log(`\n== ${figures.length} figures saved to ${LAST}`);

if (figures.length) {
  let results = assembled;
  if (args.length) {
    // a subset: its figures replace theirs in the file, the others' stay
    const previous = readJson(RESULTS) ?? {};
    const names = new Set(figures.map((f) => f.name));
    results = {
      ...assembled,
      machine: { ...(previous.machine ?? {}), ...assembled.machine },
      benches: { ...(previous.benches ?? {}), ...assembled.benches },
      figures: [...(previous.figures ?? []).filter((f) => !names.has(f.name)), ...figures],
    };
  }
  writeJson(RESULTS, results);
  console.log(`== written to ${RESULTS}`);
  const { machine } = assembled;
  console.log(
    `machine: ${machine.cpus} cores, ${machine.cpuModel ?? machine.cpu}, ${machine.memoryGB ?? machine.memoryGiB} GB, Node ${machine.node}`,
  );
  // the table code is TypeScript (shared with the benches): load it through tsx
  const { tsImport } = await import("tsx/esm/api");
  const { printTable } = await tsImport("../bench/figures.ts", import.meta.url);
  printTable(figures);
  if (!args.length) {
    const { writeReadme, missingP99 } = await import("./bench-readme.mjs");
    console.log(`== README.md ${(await writeReadme()) ? "rewritten" : "unchanged"} from ${RESULTS}`);
    const missing = missingP99(figures);
    if (missing.length) console.log(`p50 figures without a p99:\n  ${missing.join("\n  ")}`);
  }
} else {
  console.log(`(no figures: ${RESULTS} left as it was)`);
}
console.log("");
for (const o of outcomes)
  console.log(`${o.name}: ${o.status}${o.seconds !== undefined ? ` in ${o.seconds} s` : ""}`);
process.exit(outcomes.some((o) => o.status.startsWith("failed")) ? 1 : 0);
