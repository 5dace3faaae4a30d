// activate() in the real extension host (issue 14: "<= 50 ms measured from outside the extension, module
// load included"): code-server as the end-to-end suite runs it (test/extension/e2e/session.ts), with this
// checkout as the development extension, an empty folder (our activation events are onNotebook and
// onLanguage:python: nothing there fires them) and two extensions installed beside it: the probe
// (bench/host-activation/probe.ts) and, as the baseline, an empty extension whose activate() does nothing.
// The probe times getExtension(id).activate() of one of them, from outside it, in every fresh extension host
// (each workbench load, page.goto, starts a new one), the two taking turns. Used by bench/activation-bench.ts.
// Each extension is timed twice per round: on a settled host (the goal figure) and during startup, as the
// bench first did (see StartKind). Knobs: BENCH_HOST_ACTIVATION_N, rounds (default 5: 20 starts, 3 to 5
// minutes with the machine's load); for studies, BENCH_HOST_ACTIVATION_TRACE=1 (the log shows, per start, the
// host's CPU time and event-loop gaps over the activation and the page's websocket frames and main-thread
// gaps), BENCH_HOST_ACTIVATION_LOG_LEVEL=trace (the workbench's and host's log level),
// BENCH_HOST_ACTIVATION_KEEP=1 (keeps the run's folder, with the host's logs).
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
import type { Page } from "playwright-core";
import type { ProbeSample } from "./host-activation/probe";
import { envInt, figure, summarize, type BenchFigure } from "./figures";

export const HOST_N_DEFAULT = 5;
export const HOST_N = envInt("BENCH_HOST_ACTIVATION_N", HOST_N_DEFAULT);
export const EMPTY_ID = "lamindb-bench.empty";
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

/** One kind of extension-host start: which extension the probe activates, and when. */
export interface StartKind {
  id: string;
  /**
   * "startup": after the probe's own wait (2 s after startup finished), as the bench always did. That falls on
   * the host's own startup work: the built-in git, github and merge-conflict extensions' first telemetry
   * upload, for which the host (@vscode/proxy-agent) reads and parses the system's CA certificates, 40 to 140
   * ms on its main thread, once per host; whichever activation overlaps it waits (docs/scaling.md).
   * "settled": besides, until SETTLED_MS after the workbench load and the page free of long tasks for
   * QUIET_MS (the page answers the host's RPCs, such as the extension context's storage): an activation
   * when a user first opens a notebook or a Python file, on a host done with its startup.
   */
  when: "startup" | "settled";
  /** This checkout as the development extension (default true); false: our extension is not there at all. */
  dev?: boolean;
  /** The user settings.json for this start (default: none). */
  settings?: Record<string, unknown>;
}

/** A start's sample, with the page's long tasks that overlapped its activation (for the log). */
export interface StartSample {
  kind: StartKind;
  ms: number;
  longTasks: { at: number; ms: number }[];
}

/** How long the page must have been free of long tasks for a "settled" start. */
export const QUIET_MS = 1000;
/** How long after the workbench load a "settled" start waits at least (the host's startup work took 3 to 4 s). */
export const SETTLED_MS = 8000;
/** Longest wait for a quiet page (then the start fails: a page never quiet is not "settled"). */
const QUIET_TIMEOUT_MS = 60_000;

// the page's long tasks (over 50 ms on its main thread) from the document's start, in Date.now() time
const LONG_TASKS = `(() => {
  const lt = (window.__benchLongTasks = []);
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) lt.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
  }).observe({ type: "longtask", buffered: true });
})();`;

// BENCH_HOST_ACTIVATION_TRACE=1 (a study, for the log): the page's websocket frames (when the page's main
// thread took each in and sent each out; inbound ones carrying the storage RPC marked) and its main thread's
// gaps over 15 ms (a 5 ms interval's lateness: short tasks too), in Date.now() time
const TRACE = process.env.BENCH_HOST_ACTIVATION_TRACE === "1";
const PAGE_TRACE = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const frames = (window.__benchFrames = []);
  const gaps = (window.__benchGaps = []);
  let last = now();
  setInterval(() => { const t = now(); if (t - last > 15) gaps.push({ at: last, ms: t - last }); last = t; }, 5);
  const WS = window.WebSocket;
  let sockets = 0;
  window.WebSocket = class extends WS {
    constructor(...a) {
      super(...a);
      const ws = sockets++;
      this.addEventListener("message", (e) => {
        const f = { ws, d: "in", at: now(), n: e.data.size ?? e.data.byteLength };
        frames.push(f);
        if (e.data instanceof Blob && e.data.size < 4096)
          e.data.text().then((s) => { if (s.includes("$initializeExtensionStorage")) f.storage = true; });
      });
      const send = this.send;
      this.send = (data) => { frames.push({ ws, d: "out", at: now(), n: data.byteLength ?? data.length }); return send.call(this, data); };
    }
  };
})();`;

type LongTask = { at: number; ms: number };
const pageLongTasks = (page: Page): Promise<LongTask[]> =>
  page.evaluate(() => (window as unknown as { __benchLongTasks?: LongTask[] }).__benchLongTasks ?? []);

type Frame = { ws: number; d: "in" | "out"; at: number; n: number; storage?: boolean };
/** The page's frames and main-thread gaps from 20 ms before the activation to its end, relative to its start. */
async function pageTrace(page: Page, from: number, to: number): Promise<unknown> {
  const { frames, gaps } = await page.evaluate(() => {
    const w = window as unknown as { __benchFrames?: Frame[]; __benchGaps?: LongTask[] };
    return { frames: w.__benchFrames ?? [], gaps: w.__benchGaps ?? [] };
  });
  const rel = (t: number) => Math.round((t - from) * 10) / 10;
  return {
    frames: frames
      .filter((f) => f.at >= from - 20 && f.at <= to)
      .map((f) => `${f.ws}${f.d === "in" ? "<" : ">"}${f.n}${f.storage ? "S" : ""}@${rel(f.at)}`)
      .join(" "),
    gaps: gaps
      .filter((g) => g.at < to && g.at + g.ms > from - 20)
      .map((g) => `${rel(g.at)}+${Math.round(g.ms)}`)
      .join(" "),
  };
}

/** Waits until SETTLED_MS after the load and the page has had no long task for QUIET_MS. */
async function waitSettled(page: Page): Promise<void> {
  const loaded = Date.now();
  const end = loaded + QUIET_TIMEOUT_MS;
  await new Promise((r) => setTimeout(r, SETTLED_MS));
  for (;;) {
    const tasks = await pageLongTasks(page);
    const last = Math.max(loaded, ...tasks.map((t) => t.at + t.ms));
    if (Date.now() - last >= QUIET_MS) return;
    if (Date.now() > end)
      throw new Error(`the workbench page was not free of long tasks within ${QUIET_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Our extension and the empty one, taking turns, on a settled host and during its startup. */
export const DEFAULT_KINDS: StartKind[] = [
  { id: EXTENSION_ID, when: "settled" },
  { id: EMPTY_ID, when: "settled" },
  { id: EXTENSION_ID, when: "startup" },
  { id: EMPTY_ID, when: "startup" },
];

/** n rounds of `kinds`, one fresh extension host per kind and round; the samples in order. */
export async function measureHostActivation(
  n = HOST_N,
  kinds: StartKind[] = DEFAULT_KINDS,
): Promise<StartSample[]> {
  if (!existsSync(join(REPO, "dist", "extension.js")))
    throw new Error("dist/extension.js is missing: run `npm run build` first");
  ensureChromium();
  ensureCodeServer();
  const dir = join(E2E_ROOT, `bench-activation-${process.pid}-${Date.now().toString(36)}`);
  const workspace = join(dir, "ws");
  const out = join(dir, "probe.jsonl");
  const go = join(dir, "go-");
  const settingsFile = join(dir, "user-data", "User", "settings.json");
  mkdirSync(workspace, { recursive: true });
  await installProbe(join(dir, "extensions"));
  installEmpty(join(dir, "extensions"));
  const cs = await startCodeServer({
    folder: workspace,
    dir,
    env: {
      LAMIN_BENCH_PROBE_OUT: out,
      LAMIN_BENCH_PROBE_IDS: `${EXTENSION_ID},${EMPTY_ID}`,
      LAMIN_BENCH_PROBE_GO: go,
      ...(TRACE ? { LAMIN_BENCH_PROBE_TRACE: "1" } : {}),
    },
  });
  const session: Session = { dir, workspace, cs, stop: () => cs.stop() };
  const ctx = await browser(dir);
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.addInitScript(LONG_TASKS);
    if (TRACE) await page.addInitScript(PAGE_TRACE);
    const pids = new Set<number>();
    const results: StartSample[] = [];
    const starts = Array.from({ length: n }, () => kinds).flat();
    for (const [i, kind] of starts.entries()) {
      mkdirSync(join(dir, "user-data", "User"), { recursive: true });
      writeFileSync(settingsFile, JSON.stringify(kind.settings ?? {}, null, 2));
      const payload: Array<[string, string]> =
        kind.dev === false ? [] : [["extensionDevelopmentPath", `${REMOTE}${REPO}`]];
      if (process.env.BENCH_HOST_ACTIVATION_LOG_LEVEL)
        payload.push(["logLevel", process.env.BENCH_HOST_ACTIVATION_LOG_LEVEL]);
      // a new workbench load is a new extension host: the probe writes one line from each
      await page.goto(workbenchUrl(session, payload));
      if (kind.when === "settled") await waitSettled(page);
      writeFileSync(`${go}${i}`, kind.id);
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
      if (s.id !== kind.id) throw new Error(`start ${i + 1} activated ${s.id}, not ${kind.id}`);
      if (s.wasActive || s.ms === undefined || s.at === undefined)
        throw new Error(`${s.id} was already active before the probe came: not an activation to time`);
      if (pids.has(s.pid)) throw new Error(`extension host ${s.pid} reported twice: not a fresh start`);
      pids.add(s.pid);
      const [from, to] = [s.at, s.at + s.ms];
      const longTasks = (await pageLongTasks(page))
        .filter((t) => t.at < to && t.at + t.ms > from)
        .map((t) => ({ at: Math.round(t.at - from), ms: Math.round(t.ms) }));
      results.push({ kind, ms: s.ms, longTasks });
      const inside = s.insideMs === undefined ? "" : ` (activate() itself: ${s.insideMs.toFixed(1)} ms)`;
      const phases = s.phases ? ` ${JSON.stringify(s.phases)}` : "";
      const lt = longTasks.length ? ` page long tasks in it (start, ms): ${JSON.stringify(longTasks)}` : "";
      const what = `${s.id} ${kind.when}${kind.dev === false ? " (no development extension)" : ""}${kind.settings ? ` ${JSON.stringify(kind.settings)}` : ""}`;
      log(`start ${i + 1}/${starts.length}: ${what} ${s.ms.toFixed(1)} ms${inside}${phases}${lt}`);
      if (TRACE)
        log(
          `  host: cpu ${s.cpuMs?.toFixed(1)} ms, loop gaps [${s.loopGaps}], procs_running ${s.running}; page: ${JSON.stringify(await pageTrace(page, from, to))}`,
        );
    }
    return results;
  } finally {
    await ctx.close();
    await cs.stop();
    if (process.env.BENCH_HOST_ACTIVATION_KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures: p50 and the tail (the max, said so, when there are too few starts for a p99), per `when`. */
export function hostActivationFigures(samples: StartSample[]): BenchFigure[] {
  const pick = (id: string, when: StartKind["when"]) =>
    samples
      .filter((s) => s.kind.id === id && s.kind.when === when && s.kind.dev !== false && !s.kind.settings)
      .map((s) => s.ms);
  const figures: BenchFigure[] = [];
  for (const when of ["settled", "startup"] as const) {
    const [ours, empty] = [pick(EXTENSION_ID, when), pick(EMPTY_ID, when)];
    const n = ours.length;
    if (!n || !empty.length) continue;
    const [o, e] = [summarize(ours), summarize(empty)];
    // the tail is named p99 beside the p50 (scripts/bench-readme.mjs pairs them by name); with few starts it is the max
    const few = n < 100 ? " (so few that the tail is their max)" : "";
    // the goal is the settled figure; during startup, the host's own startup work lands on some samples
    const target = when === "settled" ? { goal: "<= 50 ms", target: { max: 50 } } : {};
    const name = (stat: string) =>
      when === "settled"
        ? `activation in the extension host: getExtension().activate(), module load included, ${n} fresh hosts, settled${few} (${stat})`
        : `activation in the extension host: getExtension().activate(), module load included, ${n} fresh hosts${few} (${stat})`;
    const base = (stat: string) =>
      `an empty extension's getExtension().activate(), the same way (${few && stat === "p99" ? "max, as p99" : stat})`;
    for (const stat of ["p50", "p99"] as const)
      figures.push(
        figure(name(stat), stat === "p50" ? o.p50 : few ? o.max : o.p99, "ms", {
          baseline: { name: base(stat), value: stat === "p50" ? e.p50 : few ? e.max : e.p99 },
          ...target,
          samples: `${n} / ${n}`,
        }),
      );
  }
  return figures;
}
