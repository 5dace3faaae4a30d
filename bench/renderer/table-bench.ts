// Renderer benchmark in headless Chromium: first paint of a 100,000-row table (renderOutputItem with
// JSON parsing -> two animation frames), frame times while scrolling, sort and filter, each against a
// baseline measured in the same run: a plain, non-virtualised <table> of the first 10,000 rows (all
// 100,000 take minutes on a small machine, which is the point of virtualising).
// Run: node --import tsx bench/renderer/table-bench.ts   (prints a table, merges into bench/results.json)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { DATAFRAME_MIME } from "../../db/shapes";
import { MAKE_FRAME_JS } from "../../test/renderer/fixtures";
import { repoRoot, startHarness, type HarnessWindow } from "../../test/renderer/harness";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
}

const ROWS = 100_000;
const REPS = 7;
const NAIVE_ROWS = 10_000;
const SCROLL_FRAMES = 180;

const median = (xs: number[]): number => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}
const round = (x: number): number => Math.round(x * 10) / 10;

/** renderOutputItem (item.json() included, as in VS Code) -> rAF -> rAF, in the page; returns ms. */
async function firstPaint(page: Page): Promise<number> {
  return page.evaluate(async (mime) => {
    const w = window as unknown as HarnessWindow;
    await w.__dispose("table");
    w.__clear();
    w.__prepare("table", mime, w.__frameText as string, "bench");
    await new Promise((ok) => setTimeout(ok, 50));
    return w.__renderPrepared("table", "bench");
  }, DATAFRAME_MIME);
}

/** The renderer's own share: the frame is parsed before the clock starts, then renderTable -> two frames. */
async function paintParsed(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const w = window as unknown as HarnessWindow;
    await w.__dispose("table");
    w.__clear();
    const frame: unknown = JSON.parse(w.__frameText as string);
    const element = document.createElement("div");
    (document.getElementById("outputs") as HTMLElement).appendChild(element);
    const renderTable = w.__modules.table?.renderTable as (e: HTMLElement, f: unknown) => { dispose(): void };
    await new Promise((ok) => setTimeout(ok, 50));
    const t0 = performance.now();
    const handle = renderTable(element, frame);
    await new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
    const ms = performance.now() - t0;
    handle.dispose();
    return ms;
  });
}

/** Scrolls `selector` by `step` px every frame and records the rAF deltas. */
async function scrollFrames(page: Page, selector: string, step: number): Promise<number[]> {
  return page.evaluate(
    async ([sel, frames, px]) => {
      const scroller = document.querySelector(sel as string) as HTMLElement;
      const deltas: number[] = [];
      let last = 0;
      await new Promise<void>((ok) => {
        let n = 0;
        const tick = (t: number) => {
          if (last) deltas.push(t - last);
          last = t;
          // Alternate direction every 60 frames: far jumps and steady scrolling both happen.
          scroller.scrollTop += Math.floor(n / 60) % 2 === 0 ? (px as number) : -(px as number) * 0.5;
          if (++n < (frames as number)) requestAnimationFrame(tick);
          else ok();
        };
        requestAnimationFrame(tick);
      });
      return deltas;
    },
    [selector, SCROLL_FRAMES, step] as const,
  );
}

async function timed(page: Page, action: string): Promise<number> {
  return page.evaluate(async (code) => {
    const t0 = performance.now();
    (0, eval)(code);
    await new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
    return performance.now() - t0;
  }, action);
}

/** The baseline: every row as a plain <tr>, which is what a renderer without virtualisation does. */
async function naivePaint(page: Page): Promise<number> {
  return page.evaluate(async (limit) => {
    const w = window as unknown as HarnessWindow;
    w.__clear();
    await new Promise((ok) => setTimeout(ok, 50));
    const t0 = performance.now();
    const frame = JSON.parse(w.__frameText as string) as {
      columns: string[];
      rows: unknown[][];
      index: { values: unknown[] };
    };
    const wrap = document.createElement("div");
    wrap.id = "naive";
    wrap.style.cssText = "max-height:420px;overflow:auto";
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const c of ["id", ...frame.columns]) head.insertCell().textContent = c;
    const body = table.createTBody();
    frame.rows.slice(0, limit).forEach((row, i) => {
      const tr = body.insertRow();
      tr.insertCell().textContent = String(frame.index.values[i]);
      for (const v of row)
        tr.insertCell().textContent = v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    });
    wrap.appendChild(table);
    (document.getElementById("outputs") as HTMLElement).appendChild(wrap);
    await new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
    return performance.now() - t0;
  }, NAIVE_ROWS);
}

/** The Chromium version of the last run, for bench/results.json's machine entry. */
let lastChromium = "";

export async function runRendererBench(): Promise<BenchFigure[]> {
  const h = await startHarness();
  try {
    const page = await h.open({ width: 1280, height: 900 });
    await page.evaluate(`window.__frameText = JSON.stringify((${MAKE_FRAME_JS})(${ROWS}))`);

    await firstPaint(page); // warm-up: module import and JIT
    const paints: number[] = [];
    for (let i = 0; i < REPS; i++) paints.push(await firstPaint(page));
    const domRows = await page.$$eval("#bench tr.ldb-row", (trs) => trs.length);
    const frames = await scrollFrames(page, "#bench .ldb-scroller", 24 * 40);
    const wheelFrames = await scrollFrames(page, "#bench .ldb-scroller", 24 * 4);
    const sort = await timed(page, `document.querySelector('#bench th[data-column="4"] button').click()`);
    const filter = await timed(
      page,
      `(() => { const f = document.querySelector('#bench .ldb-filter'); f.value = 'errored'; f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' })); })()`,
    );

    const ownPaints: number[] = [];
    for (let i = 0; i < REPS; i++) ownPaints.push(await paintParsed(page));

    const naive = await naivePaint(page);
    const naiveFrames = await scrollFrames(page, "#naive", 24 * 40);
    const naiveMedian = median(naiveFrames);
    const browserVersion = h.browser.version();

    const figures: BenchFigure[] = [
      {
        name: "renderer: first paint, 100,000-row table (median)",
        value: round(median(paints)),
        unit: "ms",
        baseline: { name: "plain <table> of 10,000 rows (no virtualisation)", value: round(naive) },
        ratio: round(naive / median(paints)),
      },
      {
        name: "renderer: first paint, 100,000-row table (p95)",
        value: round(quantile(paints, 0.95)),
        unit: "ms",
      },
      {
        name: "renderer: first paint, 100,000-row table, JSON already parsed (median)",
        value: round(median(ownPaints)),
        unit: "ms",
      },
      { name: "renderer: rows in the DOM for 100,000 (virtualised)", value: domRows, unit: "rows" },
      {
        name: "renderer: scroll frame time at 40 rows/frame, 100,000 rows (median)",
        value: round(median(frames)),
        unit: "ms",
        baseline: { name: "plain 10,000-row <table>, scroll frame time (median)", value: round(naiveMedian) },
        ratio: round(naiveMedian / median(frames)),
      },
      {
        name: "renderer: scroll frame time at 40 rows/frame, 100,000 rows (p95)",
        value: round(quantile(frames, 0.95)),
        unit: "ms",
        baseline: {
          name: "plain 10,000-row <table>, scroll frame time (p95)",
          value: round(quantile(naiveFrames, 0.95)),
        },
      },
      {
        name: "renderer: scroll frame time at 40 rows/frame, 100,000 rows (max)",
        value: round(Math.max(...frames)),
        unit: "ms",
      },
      {
        name: "renderer: scroll frame time at 4 rows/frame, 100,000 rows (p95)",
        value: round(quantile(wheelFrames, 0.95)),
        unit: "ms",
      },
      { name: "renderer: sort 100,000 rows by an int column, to paint", value: round(sort), unit: "ms" },
      {
        name: "renderer: filter 100,000 rows, to paint (index built in idle time after first paint)",
        value: round(filter),
        unit: "ms",
      },
    ];
    lastChromium = browserVersion;
    return figures;
  } finally {
    await h.close();
  }
}

function mergeResults(figures: BenchFigure[], chromium: string): string {
  const file = join(repoRoot, "bench", "results.json");
  let existing: { machine?: Record<string, unknown>; figures?: BenchFigure[] } = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, "utf8")) as typeof existing;
    } catch {
      existing = {};
    }
  }
  const names = new Set(figures.map((f) => f.name));
  const merged = {
    machine: {
      ...(existing.machine ?? {}),
      cpu: cpus()[0]?.model ?? "unknown",
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      chromium,
      // The figures depend on what else runs: a shared 2-core machine under load doubles them.
      loadavg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    },
    // Every "renderer:" figure is this bench's: drop old ones so renamed figures do not linger.
    figures: [
      ...(existing.figures ?? []).filter((f) => !names.has(f.name) && !f.name.startsWith("renderer:")),
      ...figures,
    ],
  };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const figures = await runRendererBench();
  const chromium = lastChromium;
  const rows = figures.map((f) => ({
    figure: f.name,
    value: `${f.value} ${f.unit}`,
    baseline: f.baseline ? `${f.baseline.value} ${f.unit} (${f.baseline.name})` : "",
    ratio: f.ratio ? `${f.ratio}x` : "",
  }));
  console.table(rows);
  console.log(`merged into ${mergeResults(figures, chromium)}`);
}

// Run directly (not when imported by scripts/bench.mjs or a test). No top-level await: this file is CommonJS under tsx.
if (process.argv[1] && /table-bench\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
