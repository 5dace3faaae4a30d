// What every benchmark shares: the figure format of bench/results.json, percentiles, timing loops
// with warm-up, merging into the results file (one entry per figure name) and the printed table.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The bare operation the figure stands on, measured in the same run. */
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
  /** The goal in words, as the README shows it. */
  goal?: string;
  /** The goal in a form scripts/bench-readme.mjs checks ("met?"): every bound given must hold. */
  target?: GoalTarget;
  backend?: "postgres" | "pglite";
  /** How many samples a percentile stands on (value's; the baseline's after a slash). */
  samples?: string;
}

export interface GoalTarget {
  /** value <= max, in the figure's unit */
  max?: number;
  /** ratio <= maxRatio */
  maxRatio?: number;
  /** value === baseline.value */
  equalsBaseline?: boolean;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  platform: string;
  date: string;
}

export interface BenchResults {
  machine: Machine & Record<string, unknown>;
  command: string;
  figures: BenchFigure[];
}

/**
 * Where mergeResults() writes: the runner (scripts/bench.mjs) names its run's own file, so a run holds
 * only its own figures; a benchmark started by hand merges into bench/results.json.
 */
export const RESULTS_FILE = process.env.LAMIN_BENCH_RESULTS || join(__dirname, "results.json");

export function machine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
}

// ---- statistics ----------------------------------------------------------------------------------

/** The p-th percentile (0..100), linearly interpolated between the closest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const at = (p / 100) * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  return {
    n,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    mean: n ? samples.reduce((a, b) => a + b, 0) / n : NaN,
    min: n ? Math.min(...samples) : NaN,
    max: n ? Math.max(...samples) : NaN,
  };
}

/** Rounds to 3 significant digits for display and the results file (noise is larger than that). */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 6)));
}

/** A figure with its baseline and the ratio between them, rounded. */
export function figure(
  name: string,
  value: number,
  unit: string,
  extra: {
    baseline?: { name: string; value: number };
    goal?: string;
    target?: GoalTarget;
    backend?: BenchFigure["backend"];
    samples?: string;
  } = {},
): BenchFigure {
  const f: BenchFigure = { name, value: round(value), unit };
  if (extra.baseline) {
    f.baseline = { name: extra.baseline.name, value: round(extra.baseline.value) };
    if (extra.baseline.value > 0) f.ratio = Number((value / extra.baseline.value).toFixed(2));
  }
  if (extra.goal) f.goal = extra.goal;
  if (extra.target) f.target = extra.target;
  if (extra.backend) f.backend = extra.backend;
  if (extra.samples) f.samples = extra.samples;
  return f;
}

// ---- timing --------------------------------------------------------------------------------------

/** Milliseconds one call of fn takes. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Per-call milliseconds of `iterations` sequential calls, after `warmup` untimed ones (JIT, caches). */
export async function timeLoop(
  fn: (i: number) => Promise<unknown>,
  { iterations, warmup = Math.min(50, Math.ceil(iterations / 10)) }: { iterations: number; warmup?: number },
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn(i);
    out[i] = performance.now() - t0;
  }
  return out;
}

/**
 * Times several variants in alternating blocks, so that drift on a noisy shared machine (other
 * processes, GC, a growing table) falls on all of them alike rather than on whichever ran last.
 */
export async function timeInterleaved<K extends string>(
  variants: Record<K, (i: number) => Promise<unknown>>,
  {
    iterations,
    block = 100,
    warmup = 50,
    afterBlock,
  }: {
    iterations: number;
    block?: number;
    warmup?: number;
    /** Called, untimed, after every block has run in all variants (e.g. to sample memory). */
    afterBlock?: () => void;
  },
): Promise<Record<K, number[]>> {
  const keys = Object.keys(variants) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) for (let i = 0; i < warmup; i++) await variants[k](-1 - i);
  for (let start = 0, b = 0; start < iterations; start += block, b++) {
    const end = Math.min(iterations, start + block);
    // the order turns every block, so neither variant always finds the caches the other warmed
    for (const k of b % 2 ? [...keys].reverse() : keys) {
      for (let i = start; i < end; i++) {
        const t0 = performance.now();
        await variants[k](i);
        out[k].push(performance.now() - t0);
      }
    }
    afterBlock?.();
  }
  return out;
}

// ---- results file --------------------------------------------------------------------------------

function readResults(file: string): Partial<BenchResults> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Partial<BenchResults>;
  } catch {
    return {}; // a broken file is rewritten rather than blocking every later benchmark
  }
}

/**
 * Merges figures into bench/results.json: entries with the same name are replaced, the others kept
 * (every benchmark adds its own); machine and date describe the latest run. `replaces` also drops
 * older entries a benchmark owns but no longer produces (a renamed figure). Returns the file.
 */
export function mergeResults(
  figures: readonly BenchFigure[],
  {
    file = RESULTS_FILE,
    replaces,
    machine: extra = {},
  }: {
    file?: string;
    replaces?: (name: string) => boolean;
    /** Facts of this run beside the machine's (a browser version, the load average). */
    machine?: Record<string, string | number>;
  } = {},
): string {
  const existing = readResults(file);
  const names = new Set(figures.map((f) => f.name));
  const kept = (existing.figures ?? []).filter((f) => !names.has(f.name) && !replaces?.(f.name));
  const merged: BenchResults = {
    // keys other benchmarks add (e.g. the Chromium version) survive
    machine: { ...(existing.machine ?? {}), ...machine(), ...extra },
    command: "npm run bench",
    figures: [...kept, ...figures],
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`);
  renameSync(tmp, file); // never leave a half-written file for the next benchmark
  return file;
}

export function readFigures(file = RESULTS_FILE): BenchFigure[] {
  return readResults(file).figures ?? [];
}

// ---- output --------------------------------------------------------------------------------------

function cells(f: BenchFigure): string[] {
  return [
    f.name,
    `${f.value} ${f.unit}`,
    f.baseline ? `${f.baseline.value} ${f.unit} (${f.baseline.name})` : "",
    f.ratio !== undefined ? `${f.ratio}x` : "",
    f.goal ?? "",
    f.samples ?? "",
  ];
}

const HEADER = ["figure", "value", "baseline", "ratio", "goal", "samples"];

/** Prints an aligned plain-text table. */
export function printTable(figures: readonly BenchFigure[], out: (line: string) => void = console.log): void {
  const rows = [HEADER, ...figures.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r
      .map((x, c) => x.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  out(line(rows[0]!));
  out(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) out(line(r));
}

/** The same table as Markdown, for the README. */
export function markdownTable(figures: readonly BenchFigure[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const rows = figures.map((f) => `| ${cells(f).map(esc).join(" | ")} |`);
  return [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map(() => "---").join(" | ")} |`, ...rows].join("\n");
}

/** A positive integer from the environment (a bench's size knob), else `fallback`. */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}
