// Renderer benchmark in headless Chromium: first paint of a 100,000-row table (renderOutputItem with
// JSON parsing -> two animation frames), frame times while scrolling, sort and filter, each against a
// baseline measured in the same run: a plain, non-virtualised <table> of the first 10,000 rows (all
// 100,000 take minutes on a small machine, which is the point of virtualising).
// Run: node --import tsx bench/renderer/table-bench.ts   (prints a table, merges into bench/results.json)
import { loadavg } from "node:os";
import type { Page } from "playwright-core";
import { DATAFRAME_MIME } from "../../db/shapes";
import { MAKE_FRAME_JS } from "../../test/renderer/fixtures";
import { startHarness, type HarnessWindow } from "../../test/renderer/harness";
import { figure, mergeResults, percentile, printTable, type BenchFigure } from "../figures";

const ROWS = 100_000;
const REPS = 7;
const NAIVE_ROWS = 10_000;
const SCROLL_FRAMES = 180;

const median = (xs: number[]): number => percentile(xs, 50);
const p95 = (xs: number[]): number => percentile(xs, 95);

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
    const browserVersion = h.browser.version();

    const paint = "renderer: first paint, 100,000-row table";
    const scroll = "renderer: scroll frame time at 40 rows/frame, 100,000 rows";
    const plainScroll = "plain 10,000-row <table>, scroll frame time";
    const figures: BenchFigure[] = [
      figure(`${paint} (median)`, median(paints), "ms", {
        baseline: { name: "plain <table> of 10,000 rows (no virtualisation)", value: naive },
      }),
      figure(`${paint} (p95)`, p95(paints), "ms"),
      figure(`${paint}, JSON already parsed (median)`, median(ownPaints), "ms"),
      figure("renderer: rows in the DOM for 100,000 (virtualised)", domRows, "rows"),
      figure(`${scroll} (median)`, median(frames), "ms", {
        baseline: { name: `${plainScroll} (median)`, value: median(naiveFrames) },
      }),
      figure(`${scroll} (p95)`, p95(frames), "ms", {
        baseline: { name: `${plainScroll} (p95)`, value: p95(naiveFrames) },
      }),
      figure(`${scroll} (max)`, Math.max(...frames), "ms"),
      figure("renderer: scroll frame time at 4 rows/frame, 100,000 rows (p95)", p95(wheelFrames), "ms"),
      figure("renderer: sort 100,000 rows by an int column, to paint", sort, "ms"),
      figure(
        "renderer: filter 100,000 rows, to paint (index built in idle time after first paint)",
        filter,
        "ms",
      ),
    ];
    lastChromium = browserVersion;
    return figures;
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  const figures = await runRendererBench();
  printTable(figures);
  const file = mergeResults(figures, {
    // every "renderer:" figure is this bench's: renamed ones do not linger
    replaces: (name) => name.startsWith("renderer:"),
    // frame times depend on what else runs: a shared 2-core machine under load doubles them
    machine: { chromium: lastChromium, loadavg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
  });
  console.log(`merged into ${file}`);
}

// Run directly (not when imported by scripts/bench.mjs or a test). No top-level await: this file is CommonJS under tsx.
if (process.argv[1] && /table-bench\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
