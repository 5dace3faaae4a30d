// activate() in the real extension host (issue 14: "<= 50 ms measured from outside the extension, module
// load included"): code-server as the end-to-end suite runs it (test/extension/e2e/session.ts), with this
// checkout as the development extension, an empty folder (our activation events are onNotebook and
// onLanguage:python: nothing there fires them) and two extensions installed beside it: the probe
// (bench/host-activation/probe.ts) and, as the baseline, an empty extension whose activate() does nothing.
// The probe times getExtension(id).activate() of one of them, from outside it, in every fresh extension host
// (each workbench load, page.goto, starts a new one), the two taking turns. Used by bench/activation-bench.ts.
// Knob: BENCH_HOST_ACTIVATION_N, extension-host starts per extension (default 5: 10 starts, 1 to 3 minutes
// with the machine's load).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureChromium } from "../scripts/ensure-chromium.mjs";
import { E2E_ROOT, ensureCodeServer, startCodeServer } from "../scripts/ensure-code-server.mjs";
import {
  browser,
  EXTENSION_ID,
  installBundledExtension,
  REPO,
  workbenchUrl,
  type Session,
} from "../test/extension/e2e/session";
import type { ProbeSample } from "./host-activation/probe";
import { envInt, figure, summarize, type BenchFigure } from "./figures";

export const HOST_N_DEFAULT = 5;
export const HOST_N = envInt("BENCH_HOST_ACTIVATION_N", HOST_N_DEFAULT);
const EMPTY_ID = "lamindb-bench.empty";
const REMOTE = "vscode-remote://remote"; // code-server's remote authority, as in session.ts
/** One workbench load until the probe has written its line. */
const SAMPLE_TIMEOUT_MS = 90_000;

const log = (m: string) => console.log(`[host-activation] ${new Date().toISOString().slice(11, 19)} ${m}`);

function installProbe(extensions: string): Promise<void> {
  const src = join(REPO, "bench", "host-activation");
  return installBundledExtension(extensions, "lamindb-bench.activation-probe-0.0.1", src, "probe.ts");
}

/** The baseline: what any extension costs the host to activate (its manifest, a module, an empty activate()). */
function installEmpty(extensions: string): void {
  const target = join(extensions, `${EMPTY_ID}-0.0.1`);
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, "extension.js"), "exports.activate = function () {};\n");
  writeFileSync(
    join(target, "package.json"),
    JSON.stringify(
      {
        name: "empty",
        publisher: "lamindb-bench",
        version: "0.0.1",
        private: true,
        engines: { vscode: "^1.100.0" },
        main: "./extension.js",
        activationEvents: [],
      },
      null,
      2,
    ),
  );
}

function readSamples(file: string): ProbeSample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeSample);
}

/** Per extension-host start, our activation and the empty extension's, in ms. */
export async function measureHostActivation(n = HOST_N): Promise<{ ours: number[]; empty: number[] }> {
  if (!existsSync(join(REPO, "dist", "extension.js")))
    throw new Error("dist/extension.js is missing: run `npm run build` first");
  ensureChromium();
  ensureCodeServer();
  const dir = join(E2E_ROOT, `bench-activation-${process.pid}-${Date.now().toString(36)}`);
  const workspace = join(dir, "ws");
  const out = join(dir, "probe.jsonl");
  mkdirSync(workspace, { recursive: true });
  await installProbe(join(dir, "extensions"));
  installEmpty(join(dir, "extensions"));
  const cs = await startCodeServer({
    folder: workspace,
    dir,
    env: { LAMIN_BENCH_PROBE_OUT: out, LAMIN_BENCH_PROBE_IDS: `${EXTENSION_ID},${EMPTY_ID}` },
  });
  const session: Session = { dir, workspace, cs, stop: () => cs.stop() };
  const ctx = await browser(dir);
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const url = workbenchUrl(session, [["extensionDevelopmentPath", `${REMOTE}${REPO}`]]);
    const pids = new Set<number>();
    const ms: Record<string, number[]> = { [EXTENSION_ID]: [], [EMPTY_ID]: [] };
    for (let i = 0; i < 2 * n; i++) {
      // a new workbench load is a new extension host: the probe writes one line from each
      await page.goto(url);
      const end = Date.now() + SAMPLE_TIMEOUT_MS;
      let samples = readSamples(out);
      while (samples.length <= i && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        samples = readSamples(out);
      }
      const s = samples[i];
      if (!s)
        throw new Error(`no probe result from extension-host start ${i + 1} within ${SAMPLE_TIMEOUT_MS} ms`);
      if (s.error) throw new Error(`the probe failed: ${s.error}`);
      if (s.wasActive || s.ms === undefined)
        throw new Error(`${s.id} was already active before the probe came: not an activation to time`);
      if (pids.has(s.pid)) throw new Error(`extension host ${s.pid} reported twice: not a fresh start`);
      pids.add(s.pid);
      ms[s.id]!.push(s.ms);
      const inside = s.insideMs === undefined ? "" : ` (activate() itself: ${s.insideMs.toFixed(1)} ms)`;
      const phases = s.phases ? ` ${JSON.stringify(s.phases)}` : "";
      log(`start ${i + 1}/${2 * n}: ${s.id} ${s.ms.toFixed(1)} ms${inside}${phases}`);
    }
    return { ours: ms[EXTENSION_ID]!, empty: ms[EMPTY_ID]! };
  } finally {
    await ctx.close();
    await cs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures: p50 and the tail (the max, said so, when there are too few starts for a p99). */
export function hostActivationFigures(samples: { ours: number[]; empty: number[] }): BenchFigure[] {
  const n = samples.ours.length;
  const [o, e] = [summarize(samples.ours), summarize(samples.empty)];
  // the tail is named p99 beside the p50 (scripts/bench-readme.mjs pairs them by name); with few starts it is the max
  const few = n < 100 ? " (so few that the tail is their max)" : "";
  const target = { goal: "<= 50 ms", target: { max: 50 } };
  const name = (stat: string) =>
    `activation in the extension host: getExtension().activate(), module load included, ${n} fresh hosts${few} (${stat})`;
  const base = (stat: string) =>
    `an empty extension's getExtension().activate(), the same way (${few && stat === "p99" ? "max, as p99" : stat})`;
  return [
    figure(name("p50"), o.p50, "ms", {
      baseline: { name: base("p50"), value: e.p50 },
      ...target,
      samples: `${n} / ${n}`,
    }),
    figure(name("p99"), few ? o.max : o.p99, "ms", {
      baseline: { name: base("p99"), value: few ? e.max : e.p99 },
      ...target,
      samples: `${n} / ${n}`,
    }),
  ];
}
