// npm run bench [-- db server renderer queue]: runs each benchmark that exists in its own Node process
// (one failure or crash does not hide the others' figures), each merging its figures into
// bench/results.json, then prints the combined table from that file.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(root, "bench", "results.json");

const BENCHES = [
  { name: "db", file: "bench/db-bench.ts" },
  { name: "server", file: "bench/server-bench.ts" },
  { name: "schema", file: "bench/schema-bench.ts" },
  { name: "renderer", file: "bench/renderer/table-bench.ts" },
  { name: "queue", file: "bench/queue-bench.ts" },
];

const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = args.filter((a) => !BENCHES.some((b) => b.name === a));
if (unknown.length) {
  console.error(`Unknown bench ${unknown.join(", ")}; choose from ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = BENCHES.filter((b) => args.length === 0 || args.includes(b.name));

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
  const r = spawnSync(process.execPath, ["--import", "tsx", bench.file], { cwd: root, stdio: "inherit" });
  const seconds = Math.round((Date.now() - started) / 1000);
  const status = r.status === 0 ? "ok" : `failed (${r.signal ?? `exit ${r.status}`})`;
  outcomes.push({ name: bench.name, status, seconds });
}

console.log("\n== bench/results.json");
if (existsSync(RESULTS)) {
  const { machine = {}, figures = [] } = JSON.parse(readFileSync(RESULTS, "utf8"));
  console.log(
    `machine: ${machine.cpus} cores, ${machine.cpuModel ?? machine.cpu}, ${machine.memoryGB ?? machine.memoryGiB} GB, Node ${machine.node}`,
  );
  // the table code is TypeScript (shared with the benches): load it through tsx
  const { tsImport } = await import("tsx/esm/api");
  const { printTable } = await tsImport("../bench/figures.ts", import.meta.url);
  printTable(figures);
} else {
  console.log("(no results file)");
}
console.log("");
for (const o of outcomes)
  console.log(`${o.name}: ${o.status}${o.seconds !== undefined ? ` in ${o.seconds} s` : ""}`);
process.exit(outcomes.some((o) => o.status.startsWith("failed")) ? 1 : 0);
