// Renderer benchmark in headless Chromium: first paint of a 100,000-row table (renderOutputItem with
// JSON parsing -> two animation frames), what scrolling costs (dropped frames and long tasks: a frame
// interval alone is the display's 16.7 ms whatever the page does), sort and filter, each against a
// baseline measured in the same run on the same 100,000 rows: a plain, non-virtualised <table>.
// Run: node --import tsx bench/renderer/table-bench.ts   (prints a table, merges into bench/results.json)
import { loadavg } from "node:os";
import type { Page } from "playwright-core";
import { DATAFRAME_MIME } from "../../db/shapes";
import { MAKE_FRAME_JS } from "../../test/renderer/fixtures";
import { startHarness, type HarnessWindow } from "../../test/renderer/harness";
import { figure, mergeResults, percentile, printTable, type BenchFigure } from "../figures";

const ROWS = 100_000;
const REPS = 7;
const SCROLL_FRAMES = 180;
const NAIVE_DEADLINE_MS = 120_000;
/** A frame counts as dropped when its interval exceeds 1.5 display frames (60 Hz). */
const DROPPED_MS = 1.5 * (1000 / 60);

const median = (xs: number[]): number => percentile(xs, 50);
const p99 = (xs: number[]): number => percentile(xs, 99);

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

interface ScrollCost {
  /** Frames whose interval exceeded DROPPED_MS, of SCROLL_FRAMES. */
  dropped: number;
  /** Main-thread tasks over 50 ms while scrolling (the Long Tasks API), and their total duration. */
  longTasks: number;
  longTaskMs: number;
  /** The worst frame interval. */
  worstMs: number;
}

/** Scrolls `selector` by `step` px every frame; counts dropped frames and long tasks meanwhile. */
async function scrollCost(page: Page, selector: string, step: number): Promise<ScrollCost> {
  return page.evaluate(
    async ([sel, frames, px, droppedMs]) => {
      const scroller = document.querySelector(sel as string) as HTMLElement;
      const tasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push(e.duration);
      });
      observer.observe({ type: "longtask" });
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
      // the last frame's tasks are reported after it: one more frame before reading them
      await new Promise<void>((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      observer.takeRecords().forEach((e) => tasks.push(e.duration));
      observer.disconnect();
      return {
        dropped: deltas.filter((d) => d > (droppedMs as number)).length,
        longTasks: tasks.length,
        longTaskMs: tasks.reduce((a, b) => a + b, 0),
        worstMs: Math.max(...deltas),
      };
    },
    [selector, SCROLL_FRAMES, step, DROPPED_MS] as const,
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

/**
 * The baseline: the same 100,000 rows as plain <tr>s, what a renderer without virtualisation does. Built
 * in chunks of 5,000 with a frame between them, until every row is in or NAIVE_DEADLINE_MS has passed:
 * here 10,000 rows took 21 s and 30,000 took 143 s at load 28, and 100,000 crashed the tab.
 */
async function naivePaint(page: Page): Promise<{ ms: number; rows: number }> {
  return page.evaluate(async (deadlineMs) => {
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
    wrap.appendChild(table);
    (document.getElementById("outputs") as HTMLElement).appendChild(wrap);
    let rows = 0;
    while (rows < frame.rows.length && performance.now() - t0 < deadlineMs) {
      for (const row of frame.rows.slice(rows, rows + 5000)) {
        const tr = body.insertRow();
        tr.insertCell().textContent = String(frame.index.values[rows++]);
        for (const v of row)
          tr.insertCell().textContent =
            v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      }
      await new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
    }
    return { ms: performance.now() - t0, rows };
  }, NAIVE_DEADLINE_MS);
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
    const scroll = await scrollCost(page, "#bench .ldb-scroller", 24 * 40);
    const wheel = await scrollCost(page, "#bench .ldb-scroller", 24 * 4);
    const sort = await timed(page, `document.querySelector('#bench th[data-column="4"] button').click()`);
    const filter = await timed(
      page,
      `(() => { const f = document.querySelector('#bench .ldb-filter'); f.value = 'errored'; f.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' })); })()`,
    );

    const ownPaints: number[] = [];
    for (let i = 0; i < REPS; i++) ownPaints.push(await paintParsed(page));

    // the same 100,000 rows as a plain table: painted once (it takes seconds), then scrolled the same way
    const naive = await naivePaint(page);
    const naiveScroll = await scrollCost(page, "#naive", 24 * 40);
    const browserVersion = h.browser.version();

    const paint = `renderer: first paint, 100,000-row table (${REPS} paints)`;
    const plain =
      naive.rows === ROWS
        ? "plain <table> of the same 100,000 rows (no virtualisation)"
        : `plain <table> of the same rows (no virtualisation): ${naive.rows.toLocaleString("en")} of 100,000 in ${NAIVE_DEADLINE_MS / 1000} s`;
    const at40 = `renderer: scroll 100,000 rows at 40 rows/frame for ${SCROLL_FRAMES} frames`;
    const plain40 = `${plain}, the same scroll`;
    const figures: BenchFigure[] = [
      figure(`${paint} (p50)`, median(paints), "ms", {
        baseline: { name: `${plain}, one paint`, value: naive.ms },
      }),
      figure(`${paint} (p99)`, p99(paints), "ms"),
      figure(`${paint}, JSON already parsed (p50)`, median(ownPaints), "ms"),
      figure(`${paint}, JSON already parsed (p99)`, p99(ownPaints), "ms"),
      figure("renderer: rows in the DOM for 100,000 (virtualised)", domRows, "rows"),
      figure(`${at40}: dropped frames (> ${DROPPED_MS.toFixed(1)} ms)`, scroll.dropped, "frames", {
        baseline: { name: plain40, value: naiveScroll.dropped },
      }),
      figure(`${at40}: long tasks (> 50 ms), total`, scroll.longTaskMs, "ms", {
        baseline: { name: plain40, value: naiveScroll.longTaskMs },
      }),
      figure(`${at40}: worst frame interval`, scroll.worstMs, "ms", {
        baseline: { name: plain40, value: naiveScroll.worstMs },
      }),
      figure(
        `renderer: scroll at 4 rows/frame for ${SCROLL_FRAMES} frames: dropped frames`,
        wheel.dropped,
        "frames",
      ),
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
