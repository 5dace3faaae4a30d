// What the extension host pays before activate() runs: loading dist/extension.js (parse and top-level
// code), in a fresh Node process per sample, with `vscode` answered by a stand-in (the top level only
// reads from it), beside require() of an empty module the same way (what any extension costs). And
// loading dist/languageclient.js, the language client the extension bundle no longer carries: it is
// required on the server's first start, after activate() returned.
// Then activate() in the real extension host, module load included, timed from outside by a probe
// extension in code-server beside an empty extension's (bench/host-activation.ts), on a settled host and
// during its startup.
// Run: node --import tsx bench/activation-bench.ts  (npm run bench -- activation; BENCH_ACTIVATION_N=40,
// BENCH_HOST_ACTIVATION_N=5 rounds of extension-host starts, 4 per round)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { figure, mergeResults, printTable, summarize, type BenchFigure } from "./figures";
import { HOST_N, HOST_N_DEFAULT, hostActivationFigures, measureHostActivation } from "./host-activation";

const N = Math.max(5, Number(process.env.BENCH_ACTIVATION_N) || 40);
const DIST = join(__dirname, "..", "dist");

// a child: `vscode` is a proxy whose every property is again a proxy (classes, enums, namespaces)
const CHILD = `
const Module = require("node:module");
const { performance } = require("node:perf_hooks");
const stub = () => new Proxy(function () {}, { get: (_, k) => (k === Symbol.toPrimitive ? () => "" : stub()), construct: () => stub(), apply: () => stub() });
const load = Module._load;
Module._load = function (request, ...rest) { return request === "vscode" ? stub() : load.call(this, request, ...rest); };
// the extension host has loaded Node's own modules long before any extension: so here too
for (const m of ["node:crypto", "node:fs", "node:fs/promises", "node:os", "node:path", "node:child_process", "node:net", "node:util", "node:events", "node:stream"]) require(m);
const t0 = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - t0));
`;

function loadMs(file: string): number {
  const r = spawnSync(process.execPath, ["-e", CHILD, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`loading ${file} failed: ${r.stderr}`);
  return Number(r.stdout);
}

async function main(): Promise<void> {
  const extension = join(DIST, "extension.js");
  const client = join(DIST, "languageclient.js");
  for (const f of [extension, client])
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), "lamin-activation-bench-"));
  const empty = join(dir, "empty.js");
  writeFileSync(empty, "");
  const samples = { empty: [] as number[], extension: [] as number[], client: [] as number[] };
  try {
    // alternating, so load on the machine falls on all alike
    for (let i = 0; i < N; i++) {
      samples.empty.push(loadMs(empty));
      samples.extension.push(loadMs(extension));
      samples.client.push(loadMs(client));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [b, e, c] = [summarize(samples.empty), summarize(samples.extension), summarize(samples.client)];
  const figures: BenchFigure[] = [];
  for (const p of ["p50", "p99"] as const) {
    const baseline = { name: `require() of an empty module, the same way (${p})`, value: b[p] };
    figures.push(
      figure(`activation: require(dist/extension.js), ${N} fresh processes (${p})`, e[p], "ms", { baseline }),
      figure(`activation: require(dist/languageclient.js), on the first server start (${p})`, c[p], "ms", {
        baseline,
      }),
    );
  }
  const host = hostActivationFigures(await measureHostActivation());
  printTable([...figures, ...host]);
  // only full-size runs replace the published figures; a reduced part is printed only
  const merged = [...(N >= 40 ? figures : []), ...(HOST_N >= HOST_N_DEFAULT ? host : [])];
  if (merged.length)
    console.log(
      `merged into ${mergeResults(merged, {
        replaces: (n) =>
          (N >= 40 && n.startsWith("activation:")) ||
          (HOST_N >= HOST_N_DEFAULT && n.startsWith("activation in the extension host")),
      })}`,
    );
  if (merged.length < figures.length + host.length)
    console.log("(a reduced part is not merged into the results)");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
