// The team-scale benchmark (issue 12, "Measure"): N windows on one PostgreSQL server with a managed
// service's max_connections = 100, each window a real dist/server.js over stdio (the LSP client of the
// server tests), all through PgBouncer in transaction mode with the default connection budget
// (lamindb.postgres.maxConnections 3, idleSeconds 30). Every window tracks a notebook at one cell a second
// (the lamin/track events a notebook execution sends) and completes at two requests a second, each a prefix
// that window has not typed before (a cache miss), after BENCH_WINDOWS_WARM_SECONDS (default 10) of the same
// load that is not measured (the windows' first cells and completions, logged apart). Each figure
// stands beside the same figure for one window with the same per-window load, measured in the same run:
//   - errors (rejected requests, a cell event answered without a run, a server that exited);
//   - every run present: runs in the database vs cells sent (each cell is its own kernel session);
//   - peak server connections: client backends in pg_stat_activity, sampled every 100 ms;
//   - a cell's start event sent -> its run row committed (the server answers after the commit), p50/p95/p99;
//   - a completion round trip, p50/p95/p99;
//   - each server's RSS at the end (mean and max), which says how many windows a machine holds;
//   - the servers' CPU (utime + stime from /proc) per window-second of the load.
// First a ramp finds how many windows the machine holds on schedule (five more per step of
// BENCH_WINDOWS_RAMP_SECONDS, default 20, until a step falls behind); the figures with goals are
// measured with that many windows, and when it is fewer than BENCH_WINDOWS, that many run too, for their
// own figures. Every server runs here beside PostgreSQL and PgBouncer on the machine's cores; in a team
// each window's server runs on its user's machine, so what falls behind here is this machine's CPU.
// Then the read-replica variant: a streaming replica of the primary (scripts/replica.mjs) is started, and
// the same windows run the same load again with `database.readUrl` on it (lamindb.postgres.readUrl), so
// completions read there while tracking writes to the primary. Beside the primary-only phase: the primary
// cluster's CPU time during the load (postmaster and every backend, from /proc) and the completion latency.
// Run: node --import tsx bench/windows-bench.ts (or npm run bench -- windows).
// Knobs: BENCH_WINDOWS (default 50; fewer start when the machine's available memory runs low, and the
// figures say how many ran), BENCH_WINDOWS_SECONDS (default 120), BENCH_WINDOWS_ULABELS (default 100,000).
// BENCH_WINDOWS_ONLY=<n> runs only one phase of n windows (BENCH_WINDOWS_ONE_ONLY=1: of one window);
// with it, BENCH_WINDOWS_REPLICA=1 reads on a streaming replica, as the replica phase does, and
// BENCH_WINDOWS_SERVERS=a.js,b.js runs that phase once per build's dist/server.js, BENCH_WINDOWS_ROUNDS
// times (default 1) interleaved, for an A/B of two builds on the same database and load (a build's entry
// may add node arguments after its path: "dist/server.js --max-semi-space-size=8").
// BENCH_WINDOWS_NODE_ARGS adds node arguments to every server (e.g. --cpu-prof); BENCH_WINDOWS_LOG=<file>
// copies PostgreSQL's log, with every statement and its duration, there (pooled statements through
// PgBouncer included).
// Only runs of at least 60 s are merged into the results; shorter ones are printed.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import type { Knex } from "knex";
import knexFactory from "knex";
import pg from "pg";
import { connect } from "../db/index";
import { LspClient, at } from "../test/server/lsp-client";
import type { ConnectionBudget, LaminInitializationOptions, TrackEvent } from "../server/protocol";
import { envInt, figure, mergeResults, printTable, summarize, type BenchFigure } from "./figures";
import { load, prefixes } from "./server-bench";

const WINDOWS = envInt("BENCH_WINDOWS", 50);
const SECONDS = envInt("BENCH_WINDOWS_SECONDS", 120);
const ULABELS = envInt("BENCH_WINDOWS_ULABELS", 100_000);
/** Only one phase of this many windows (an A/B of builds, a profile), or 0: the whole bench. */
const ONLY = process.env.BENCH_WINDOWS_ONE_ONLY === "1" ? 1 : envInt("BENCH_WINDOWS_ONLY", 0);
const ONLY_ON_REPLICA = process.env.BENCH_WINDOWS_REPLICA === "1";
const SERVERS = (process.env.BENCH_WINDOWS_SERVERS ?? "").split(",").filter(Boolean);
const ROUNDS = envInt("BENCH_WINDOWS_ROUNDS", 1);
const STATEMENT_LOG = process.env.BENCH_WINDOWS_LOG;
/** Extra node arguments for every window's server (e.g. --cpu-prof --cpu-prof-dir=...). */
const NODE_ARGS = (process.env.BENCH_WINDOWS_NODE_ARGS ?? "").split(" ").filter(Boolean);
/** A managed PostgreSQL's default. */
const MAX_CONNECTIONS = 100;
/** The settings' defaults on main (lamindb.postgres.maxConnections, lamindb.postgres.idleSeconds). */
const BUDGET: ConnectionBudget = { max: 3, idleSeconds: 30 };
const CELL_MS = 1000;
const COMPLETION_MS = 500;
/** Stop starting windows when less than this is left (MemAvailable): the figures then say how many ran. */
const MIN_AVAILABLE_MB = 1536;
/** Windows started at once: 50 servers opening together on a 2-core machine would only queue. */
const START_BATCH = 5;
/** Each step of the ramp that finds how many windows the machine holds. */
const RAMP_SECONDS = envInt("BENCH_WINDOWS_RAMP_SECONDS", 20);
/**
 * Before a phase's measured load, its windows run the same load this long, not measured: a window's
 * first cell (its notebook's Transform) and first completion (the parser, code not yet compiled) cost
 * tens of ms each, and 50 servers paying them in the same second measure a synchronised cold start,
 * not the load. The warm-up runs the same notebooks as the load, so its first cell creates each
 * notebook's Transform; its errors still count, and its runs are left out by counting runs before and after.
 */
const WARM_SECONDS = envInt("BENCH_WINDOWS_WARM_SECONDS", 10);
/**
 * Prefixes one window types: a phase's two warm-ups (its batch's, then all windows') and load, never one
 * twice (a repeat is a cache hit).
 */
const PREFIXES_PER_WINDOW = Math.ceil(((SECONDS + 2 * WARM_SECONDS) * 1000) / COMPLETION_MS) + 10;
/**
 * A step holds while both latencies' p95 stay under this (ten times the event -> row goal): a saturated
 * machine keeps its schedule for a few seconds while its queues grow, then falls behind for good.
 */
const RAMP_MAX_P95_MS = 100;

const log = (m: string) => console.log(`[windows-bench] ${new Date().toISOString().slice(11, 19)} ${m}`);
const cleanups: Array<() => Promise<void>> = [];

/**
 * The database options every window starts with: the pooled URL only (so it polls the change counter),
 * and in the replica phase the replica's URL as `database.readUrl`, as lamindb.postgres.readUrl sends it.
 */
export function windowDatabase(pooledUrl: string, readUrl?: string): LaminInitializationOptions["database"] {
  return { kind: "postgres", name: "windows-bench", url: pooledUrl, ...(readUrl ? { readUrl } : {}) };
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;

/** utime + stime (and, with `children`, the reaped children's cutime + cstime) of a process, in ticks. */
function cpuTicks(pid: number, children = false): { ppid: number; ticks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited meanwhile
  }
  // fields after "(comm) ": state, ppid, ..., utime (14th field), stime, cutime, cstime
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(f[i]);
  return { ppid: n(1), ticks: n(11) + n(12) + (children ? n(13) + n(14) : 0) };
}

/**
 * CPU seconds a process tree has used so far: the root, its live descendants and the children it has
 * reaped. For a PostgreSQL cluster's postmaster: its backends, walsender and background workers, and the
 * backends that ended; two readings' difference is what the tree used in between, whoever came and went.
 */
function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const c = cpuTicks(Number(e));
    if (!c) continue;
    ticks.set(Number(e), c.ticks);
    children.set(c.ppid, [...(children.get(c.ppid) ?? []), Number(e)]);
  }
  let sum = cpuTicks(root, true)?.ticks ?? 0;
  const stack = [...(children.get(root) ?? [])];
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    sum += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum / CLOCK_TICKS;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function availableMb(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) / 1024 : Infinity;
}

/** A track event without what every event carries (Omit over each member of the union). */
type EventBody<T = TrackEvent> = T extends unknown ? Omit<T, "eventId" | "at" | "sessionId"> : never;

const sleepUntil = (t: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())));

interface PhaseResult {
  windows: number;
  errors: number;
  errorSamples: string[];
  cellsSent: number;
  cellsScheduled: number;
  runsFound: number;
  peakConnections: number;
  connectionSamples: number;
  eventToRow: number[];
  completion: number[];
  rss: number[];
  /** The primary cluster's CPU seconds during the load, and the load's wall seconds. */
  primaryCpuSeconds: number;
  loadSeconds: number;
  /** The windows' servers' CPU (utime + stime) during the load, in ms per window-second. */
  serverCpuMsPerWindowSecond: number;
  /** Windows whose lamin/status said, at the end, that reads go to the replica (replica phase). */
  onReplica: number;
}

/** The processes whose CPU a phase reports beside the servers'. */
interface Pids {
  /** The primary cluster's postmaster. */
  postmaster: number;
  /** PgBouncer's (or, as root, the runuser above it). */
  bouncer: number;
}

/** One window: its server, and the two loads it drives until `until`. */
class Window {
  private seq = 0;
  private version = 1;
  private opened = false;
  /** The next of this window's prefixes: never reset, so no drive() repeats an earlier one's. */
  private typed = 0;
  cellsSent = 0;
  readonly eventToRow: number[] = [];
  readonly completion: number[] = [];
  readonly errors: string[] = [];
  private constructor(
    readonly client: LspClient,
    private readonly phase: string,
    private readonly index: number,
    private readonly prefixList: string[],
  ) {}

  static async start(
    phase: string,
    index: number,
    url: string,
    prefixList: string[],
    readUrl?: string,
    server?: string,
  ): Promise<Window> {
    const client = await LspClient.start(
      {
        database: windowDatabase(url, readUrl),
        connections: BUDGET,
        user: { handle: "bench" },
        trusted: true,
        sessionId: `windows-bench-${phase}-${index}`,
      },
      // a build may carry its own node arguments after its path ("b/server.js --max-semi-space-size=8")
      {
        ...(server?.split(" ")[0] ? { server: server.split(" ")[0] } : {}),
        nodeArgs: [...NODE_ARGS, ...(server ?? "").split(" ").slice(1).filter(Boolean)],
      },
    );
    cleanups.push(() => client.stop());
    await client.ready();
    return new Window(client, phase, index, prefixList);
  }

  /** Ends a warm-up: what follows is measured (errors are kept: the warm-up's count too). */
  measureFromHere(): void {
    this.cellsSent = 0;
    this.eventToRow.length = 0;
    this.completion.length = 0;
  }

  /** What the window has done so far: a step's share is the difference of two of these. */
  counts() {
    return {
      cells: this.cellsSent,
      completions: this.completion.length,
      errors: this.errors.length,
      rows: this.eventToRow.length,
    };
  }

  private get uri() {
    return `file:///bench/${this.phase}/w${this.index}.ipynb`;
  }

  private fail(what: string, e: unknown): void {
    this.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }

  private async track(event: EventBody) {
    return this.client.request("lamin/track", {
      ...event,
      eventId: `${this.phase}-${this.index}-${this.seq++}`,
      at: Date.now(),
    } as TrackEvent);
  }

  /**
   * A notebook executed one cell a second, each cell its own kernel session (restart, run the cell), so
   * each cell is one run: cellStarted (a new run: the timed event), cellFinished, executionIdle
   * (completed), kernelRestarted. The events go in order, one at a time, as the extension's queue sends them.
   */
  async cells(t0: number, until: number): Promise<void> {
    const source = `import lamindb as ln\nx = ${this.index}`;
    const sourceHash = createHash("sha256").update(source, "utf8").digest("hex");
    const key = `windows-bench/${this.phase}/w${this.index}.ipynb`;
    // a window that falls behind catches up, but sends nothing once the duration is over: an overloaded
    // machine then shows as fewer cells sent than scheduled, not as a bench that never ends
    for (let k = 0; t0 + k * CELL_MS < until && Date.now() < until; k++) {
      await sleepUntil(t0 + k * CELL_MS);
      // the first event of the server process carries the source; later ones only its hash
      const notebook = { uri: this.uri, key, ...(k === 0 ? { source } : {}), sourceHash };
      try {
        this.cellsSent++;
        const start = Date.now();
        const t = performance.now();
        const r = await this.track({
          type: "cellStarted",
          notebook,
          cell: { index: 0, executionOrder: 1, startTime: start },
        });
        this.eventToRow.push(performance.now() - t);
        if (!r.run) throw new Error("cellStarted answered without a run");
        await this.track({
          type: "cellFinished",
          notebook,
          cell: { index: 0, executionOrder: 1, startTime: start, endTime: Date.now(), success: true },
        });
        await this.track({ type: "executionIdle", notebookUri: this.uri });
        await this.track({ type: "kernelRestarted", notebookUri: this.uri });
      } catch (e) {
        this.fail(`cell ${k}`, e);
      }
    }
  }

  /** Typing in a cell: two completion requests a second, each a new prefix (a cache miss). */
  async completions(t0: number, until: number): Promise<void> {
    const uri = `file:///bench/${this.phase}/w${this.index}.py`;
    if (!this.opened)
      this.client.openText(uri, 'import lamindb as ln\nln.ULabel.get(name="")', "python", this.version);
    this.opened = true;
    for (let k = 0; t0 + k * COMPLETION_MS < until && Date.now() < until; k++) {
      await sleepUntil(t0 + k * COMPLETION_MS);
      const p = this.prefixList[this.typed++ % this.prefixList.length]!;
      const { text, position } = at(`import lamindb as ln\nln.ULabel.get(name="${p}|")`);
      try {
        const t = performance.now();
        this.client.changeText(uri, text, ++this.version);
        await this.client.completion(uri, position);
        this.completion.push(performance.now() - t);
      } catch (e) {
        this.fail(`completion ${k}`, e);
      }
    }
  }
}

/** Samples client backends on the server (not PgBouncer's view) until stopped; this poller excluded. */
function connectionSampler(admin: pg.Client) {
  let peak = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const next = Date.now() + 100;
      const r = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      peak = Math.max(peak, r.rows[0]!.n);
      samples++;
      await sleepUntil(next);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, samples };
    },
  };
}

/** Windows `from` to `to - 1` of a phase, started together, each typing its own run of the prefixes. */
function startWindows(
  phase: string,
  from: number,
  to: number,
  pooledUrl: string,
  allPrefixes: string[],
  readUrl?: string,
  server?: string,
): Promise<Window[]> {
  const per = PREFIXES_PER_WINDOW;
  return Promise.all(
    Array.from({ length: to - from }, (_, j) => {
      const w = from + j;
      const own = allPrefixes.slice((w * per) % allPrefixes.length).concat(allPrefixes);
      return Window.start(phase, w, pooledUrl, own, readUrl, server);
    }),
  );
}

/**
 * Both loads of every window, each window's second offset as independent users' would be; resolves to
 * how many cells and completions were scheduled before `until`.
 */
async function drive(
  windows: Window[],
  t0: number,
  until: number,
): Promise<{ cells: number; completions: number }> {
  const scheduled = { cells: 0, completions: 0 };
  await Promise.all(
    windows.flatMap((w, i) => {
      const offset = t0 + Math.floor((i * CELL_MS) / windows.length);
      scheduled.cells += Math.ceil((until - offset) / CELL_MS);
      scheduled.completions += Math.ceil((until - offset - COMPLETION_MS / 4) / COMPLETION_MS);
      return [w.cells(offset, until), w.completions(offset + COMPLETION_MS / 4, until)];
    }),
  );
  return scheduled;
}

/**
 * How many windows this machine holds: windows are added five at a time (each warmed up first, alone),
 * each step runs the same per-window load for RAMP_SECONDS, and the ramp ends at the first step that falls behind (a cell not
 * sent on its second, fewer than 95% of the completions sent, an error, or a p95 over RAMP_MAX_P95_MS).
 * Every window's server runs here beside the database and the pooler; on a team each runs on its
 * user's own machine.
 */
async function ramp(pooledUrl: string, allPrefixes: string[]): Promise<{ held: number; steps: string[] }> {
  const windows: Window[] = [];
  const steps: string[] = [];
  let held = 0;
  try {
    for (let n = START_BATCH; n <= WINDOWS; n += START_BATCH) {
      if (availableMb() < MIN_AVAILABLE_MB) break;
      const added = await startWindows("ramp", windows.length, n, pooledUrl, allPrefixes);
      await warmUp(`ramp: ${n} windows`, added);
      windows.push(...added);
      const before = windows.map((w) => w.counts());
      const t0 = Date.now() + 500;
      const scheduled = await drive(windows, t0, t0 + RAMP_SECONDS * 1000);
      const since = (key: keyof ReturnType<Window["counts"]>) =>
        windows.reduce((sum, w, i) => sum + w.counts()[key] - before[i]![key], 0);
      const [cells, completions, errors] = [since("cells"), since("completions"), since("errors")];
      // this step's latencies: a queue that has begun to grow shows here before a cell misses its second
      const rowP95 = summarize(windows.flatMap((w, i) => w.eventToRow.slice(before[i]!.rows))).p95;
      const completionP95 = summarize(
        windows.flatMap((w, i) => w.completion.slice(before[i]!.completions)),
      ).p95;
      const step =
        `${n} windows: ${cells}/${scheduled.cells} cells, ${completions}/${scheduled.completions} completions, ` +
        `${errors} errors, p95 ${rowP95.toFixed(0)} ms event -> row, ${completionP95.toFixed(0)} ms completion`;
      steps.push(step);
      const kept =
        errors === 0 &&
        cells >= scheduled.cells &&
        completions >= 0.95 * scheduled.completions &&
        Math.max(rowP95, completionP95) <= RAMP_MAX_P95_MS;
      log(`ramp: ${step}${kept ? "" : ": fell behind"}; load average ${loadavg()[0]!.toFixed(1)}`);
      if (!kept) break;
      held = n;
    }
  } finally {
    for (const w of windows) await w.client.stop();
  }
  return { held, steps };
}

/** WARM_SECONDS of the phase's load, not measured; what it saw goes to the log. */
async function warmUp(name: string, windows: Window[]): Promise<void> {
  if (WARM_SECONDS <= 0) return;
  const t0 = Date.now() + 500;
  const scheduled = await drive(windows, t0, t0 + WARM_SECONDS * 1000);
  const row = summarize(windows.flatMap((w) => w.eventToRow));
  const completion = summarize(windows.flatMap((w) => w.completion));
  const cells = windows.reduce((n, w) => n + w.cellsSent, 0);
  log(
    `${name}: warm-up ${WARM_SECONDS} s (not in the figures): ${cells}/${scheduled.cells} cells, ` +
      `event -> row p50/p95/max ${row.p50.toFixed(1)}/${row.p95.toFixed(1)}/${row.max.toFixed(0)} ms, ` +
      `completion ${completion.p50.toFixed(1)}/${completion.p95.toFixed(1)}/${completion.max.toFixed(0)} ms; ` +
      `load average ${loadavg()[0]!.toFixed(1)}`,
  );
  for (const w of windows) w.measureFromHere();
}

/** Completed runs of a phase's notebooks. */
async function completedRuns(admin: pg.Client, phase: string): Promise<number> {
  const r = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM lamindb_run r JOIN lamindb_transform t ON t.id = r.transform_id
      WHERE t.key LIKE $1 AND r._status_code = 0`,
    [`windows-bench/${phase}/%`],
  );
  return r.rows[0]!.n;
}

async function phase(
  name: string,
  windows: number,
  pooledUrl: string,
  admin: pg.Client,
  allPrefixes: string[],
  pids: Pids,
  readUrl?: string,
  server?: string,
): Promise<PhaseResult> {
  const started: Window[] = [];
  // Windows join five at a time, each batch warmed up alone as in the ramp: users do not open 50 windows
  // in the same second, and 45 cold servers started together on two cores were still catching up (109 of
  // 450 cells answered) when a single 10 s warm-up of all of them ended. Then all of them warm up together.
  for (let i = 0; i < windows; i += START_BATCH) {
    const free = availableMb();
    if (free < MIN_AVAILABLE_MB) {
      log(`${name}: only ${Math.round(free)} MB available: stopping at ${started.length} windows`);
      break;
    }
    const batch = await startWindows(
      name,
      i,
      Math.min(i + START_BATCH, windows),
      pooledUrl,
      allPrefixes,
      readUrl,
      server,
    );
    if (windows > START_BATCH) await warmUp(`${name}: windows ${i + 1} to ${i + batch.length}`, batch);
    started.push(...batch);
  }
  const n = started.length;
  await warmUp(`${name}: ${n > START_BATCH ? `all ${n}` : n} window${n === 1 ? "" : "s"}`, started);
  log(`${name}: ${started.length} windows started; ${SECONDS} s of load`);
  const sampler = connectionSampler(admin);
  const t0 = Date.now() + 500;
  const until = t0 + SECONDS * 1000;
  // a server that exits before its window is stopped below is an error
  const exited: string[] = [];
  let stopping = false;
  started.forEach((w, i) => {
    if (w.client.child.exitCode !== null || w.client.child.signalCode !== null)
      exited.push(`window ${i} had exited before the load`);
    w.client.child.once("exit", (code, signal) => {
      if (!stopping) exited.push(`window ${i} exited (${code ?? signal})`);
    });
  });
  // the warm-up's runs are in the same notebooks: the load's are the difference (each cell's events were
  // answered before the warm-up ended, so none completes later)
  const runsBefore = await completedRuns(admin, name);
  const load = [loadavg()[0]!];
  const cpu0 = treeCpuSeconds(pids.postmaster);
  const bouncerCpu0 = treeCpuSeconds(pids.bouncer);
  const benchCpu0 = process.cpuUsage();
  const serverTicks = () => started.reduce((n, w) => n + (cpuTicks(w.client.child.pid!)?.ticks ?? 0), 0);
  const serverTicks0 = serverTicks();
  const wall0 = performance.now();
  // windows start their seconds spread over the second, as independent users would
  await drive(started, t0, until);
  const primaryCpuSeconds = treeCpuSeconds(pids.postmaster) - cpu0;
  const bouncerCpuSeconds = treeCpuSeconds(pids.bouncer) - bouncerCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  const benchCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
  const loadSeconds = (performance.now() - wall0) / 1000;
  const serverCpuMsPerWindowSecond =
    ((serverTicks() - serverTicks0) * 1000) / CLOCK_TICKS / Math.max(1, started.length) / loadSeconds;
  load.push(loadavg()[0]!);
  const connections = await sampler.stop();
  // reads went to the replica only if each window's server says so (a replica down is a fallback, not a figure)
  let onReplica = 0;
  if (readUrl)
    for (const w of started) {
      const status = (await w.client.request("lamin/status", {})) as { replica?: { connected: boolean } };
      if (status.replica?.connected) onReplica++;
    }
  const rss = started.map((w) => rssMb(w.client.child.pid!));
  const runsFound = (await completedRuns(admin, name)) - runsBefore;
  stopping = true;
  for (const w of started) await w.client.stop();
  const errors = [...started.flatMap((w) => w.errors), ...exited];
  const result: PhaseResult = {
    windows: started.length,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
    cellsSent: started.reduce((n, w) => n + w.cellsSent, 0),
    cellsScheduled: started.length * Math.ceil((SECONDS * 1000) / CELL_MS),
    runsFound,
    peakConnections: connections.peak,
    connectionSamples: connections.samples,
    eventToRow: started.flatMap((w) => w.eventToRow),
    completion: started.flatMap((w) => w.completion),
    rss,
    primaryCpuSeconds,
    loadSeconds,
    serverCpuMsPerWindowSecond,
    onReplica,
  };
  log(
    `${name}: ${result.windows} windows, ${result.errors} errors, ${result.runsFound}/${result.cellsSent} runs ` +
      `(${result.cellsScheduled} cells scheduled), ` +
      `peak ${result.peakConnections} server connections (${result.connectionSamples} samples); ` +
      `primary CPU ${primaryCpuSeconds.toFixed(1)} s in ${loadSeconds.toFixed(1)} s ` +
      `(PgBouncer ${bouncerCpuSeconds.toFixed(1)} s, this bench's clients ${benchCpuSeconds.toFixed(1)} s); ` +
      `server CPU ${serverCpuMsPerWindowSecond.toFixed(1)} ms per window-second` +
      (readUrl ? `; ${onReplica} windows reading on the replica; ` : "; ") +
      `machine load average ${load.map((l) => l.toFixed(1)).join(" -> ")} on ${cpus().length} cores`,
  );
  for (const e of result.errorSamples) log(`  error: ${e}`);
  return result;
}

function figures(one: PhaseResult, many: PhaseResult): BenchFigure[] {
  const tag = `${many.windows} windows, ${SECONDS} s [postgres]`;
  const out: BenchFigure[] = [
    figure(`windows: errors, ${tag}`, many.errors, "errors", {
      baseline: { name: "1 window", value: one.errors },
      goal: "0",
      target: { max: 0 },
      backend: "postgres",
      samples: `${many.cellsSent * 4 + many.completion.length} requests / ${one.cellsSent * 4 + one.completion.length}`,
    }),
    figure(`windows: completed runs in the database, ${tag}`, many.runsFound, "runs", {
      baseline: { name: "cells sent", value: many.cellsSent },
      goal: "= cells sent",
      target: { equalsBaseline: true },
      backend: "postgres",
      samples: `1 window: ${one.runsFound} of ${one.cellsSent}`,
    }),
    figure(
      `windows: cells sent of those scheduled (1 a second per window), ${tag}`,
      many.cellsSent,
      "cells",
      {
        baseline: { name: "scheduled", value: many.cellsScheduled },
        goal: "= scheduled",
        target: { equalsBaseline: true },
        backend: "postgres",
        samples: `1 window: ${one.cellsSent} of ${one.cellsScheduled}`,
      },
    ),
    figure(`windows: peak server connections (max_connections 100), ${tag}`, many.peakConnections, "conns", {
      baseline: { name: "1 window", value: one.peakConnections },
      goal: "<= 97",
      target: { max: 97 },
      backend: "postgres",
      samples: `${many.connectionSamples} / ${one.connectionSamples}`,
    }),
  ];
  out.push(
    ...percentileFigures(
      `cell event -> run row committed`,
      tag,
      many.eventToRow,
      one.eventToRow,
      "1 window",
      10,
    ),
    ...percentileFigures("completion round trip", tag, many.completion, one.completion, "1 window", 15),
  );
  const rss = summarize(many.rss);
  out.push(
    // flat in the number of windows unless windows react to each other's writes
    figure(`windows: server CPU per window-second, ${tag}`, many.serverCpuMsPerWindowSecond, "ms", {
      baseline: { name: "1 window", value: one.serverCpuMsPerWindowSecond },
      backend: "postgres",
      samples: `utime + stime of ${many.windows} servers over ${many.loadSeconds.toFixed(0)} s`,
    }),
    figure(`windows: server RSS mean, ${tag}`, rss.mean, "MB", {
      baseline: { name: "1 window", value: summarize(one.rss).mean },
      backend: "postgres",
      samples: `${rss.n} servers, max ${Math.round(rss.max)} MB`,
    }),
  );
  return out;
}

/** The replica phase beside the primary-only phase with the same windows and load. */
function replicaFigures(primary: PhaseResult, replica: PhaseResult): BenchFigure[] {
  const tag = `${replica.windows} windows, ${SECONDS} s, reads on the replica [postgres]`;
  const base = `${primary.windows} windows, primary only`;
  const cpuPercent = (r: PhaseResult) => (100 * r.primaryCpuSeconds) / r.loadSeconds;
  const out: BenchFigure[] = [
    figure(`windows: errors, ${tag}`, replica.errors, "errors", {
      baseline: { name: base, value: primary.errors },
      goal: "0",
      target: { max: 0 },
      backend: "postgres",
      samples: `${replica.cellsSent * 4 + replica.completion.length} requests / ${primary.cellsSent * 4 + primary.completion.length}`,
    }),
    figure(`windows: windows reading on the replica at the end, ${tag}`, replica.onReplica, "windows", {
      baseline: { name: "windows", value: replica.windows },
      goal: "= windows",
      target: { equalsBaseline: true },
      backend: "postgres",
    }),
    figure(
      `windows: primary CPU (postmaster and backends, % of one core), ${tag}`,
      cpuPercent(replica),
      "%",
      {
        baseline: { name: base, value: cpuPercent(primary) },
        backend: "postgres",
        samples: `${replica.primaryCpuSeconds.toFixed(1)} s in ${replica.loadSeconds.toFixed(0)} s / ${primary.primaryCpuSeconds.toFixed(1)} s in ${primary.loadSeconds.toFixed(0)} s`,
      },
    ),
  ];
  out.push(
    ...percentileFigures("completion round trip (a read)", tag, replica.completion, primary.completion, base),
    ...percentileFigures(
      "cell event -> run row committed",
      tag,
      replica.eventToRow,
      primary.eventToRow,
      base,
    ),
  );
  return out;
}

/** p50, p95 and p99 of one latency beside the same percentile of its baseline; the goal, if any, on p95. */
function percentileFigures(
  what: string,
  tag: string,
  values: number[],
  baseline: number[],
  baseName: string,
  p95Goal?: number,
): BenchFigure[] {
  const v = summarize(values);
  const b = summarize(baseline);
  return (["p50", "p95", "p99"] as const).map((p) =>
    figure(`windows: ${what} ${p}, ${tag}`, v[p], "ms", {
      baseline: { name: `${baseName} ${p}`, value: b[p] },
      ...(p === "p95" && p95Goal !== undefined ? { goal: `<= ${p95Goal} ms`, target: { max: p95Goal } } : {}),
      backend: "postgres",
      samples: `${v.n} / ${b.n}`,
    }),
  );
}

async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}

export async function runWindowsBench(): Promise<BenchFigure[]> {
  const root = join(__dirname, "..");
  spawnSync(process.execPath, ["scripts/build.mjs", "db", "server"], { stdio: "inherit", cwd: root });
  // the .mjs scripts are untyped: import them by URL, as bench/server-bench.ts does
  const { startPostgres } = (await import(pathToFileURL(join(root, "scripts", "postgres.mjs")).href)) as {
    startPostgres: (o: object) => Promise<{ url: string; stop(): Promise<void> }>;
  };
  const { startPgbouncer } = (await import(pathToFileURL(join(root, "scripts", "pgbouncer.mjs")).href)) as {
    startPgbouncer: (url: string, o: object) => Promise<{ url: string; pid: number; stop(): Promise<void> }>;
  };
  const { startReplica } = (await import(pathToFileURL(join(root, "scripts", "replica.mjs")).href)) as {
    startReplica: (primary: object, o: object) => Promise<{ url: string; stop(): Promise<void> }>;
  };
  try {
    // dedicated: our own server with max_connections = 100, even when DATABASE_URL names another
    const server = await startPostgres({ log, dedicated: true, maxConnections: MAX_CONNECTIONS });
    cleanups.push(() => server.stop());
    const setupAdmin = knexFactory({ client: "pg", connection: server.url, pool: { min: 0, max: 1 } });
    await setupAdmin.raw("CREATE DATABASE lamin_windows_bench");
    await setupAdmin.destroy();
    const u = new URL(server.url);
    u.pathname = "/lamin_windows_bench";
    const directUrl = u.toString();
    // the schema and the ULabels completions look up, set up directly before any window opens
    const setup = await connect({ url: directUrl, setDefault: false });
    await load((sql, p) => setup.knex.raw(sql, (p ?? []) as Knex.RawBinding[]), ULABELS);
    await setup.close();
    // PgBouncer's defaults a managed service keeps: a pool of 20 server connections per database and user
    const bouncer = await startPgbouncer(directUrl, { log, poolSize: 20 });
    cleanups.push(() => bouncer.stop());
    const admin = new pg.Client({ connectionString: directUrl });
    await admin.connect();
    cleanups.push(() => admin.end());
    const all = prefixes(Math.max(2000, WINDOWS * PREFIXES_PER_WINDOW));
    // the primary cluster's CPU is read from /proc: the admin backend's parent is the postmaster
    const backend = (await admin.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const postmaster = cpuTicks(backend)?.ppid;
    if (!postmaster) throw new Error("cannot read the primary's postmaster from /proc");
    const pids: Pids = { postmaster, bouncer: bouncer.pid };
    // one window first, while PgBouncer has opened no more server connections than it needs (it keeps
    // idle ones for server_idle_timeout, so after the ramp its peak would count the ramp's)
    if (STATEMENT_LOG) {
      await admin.query("ALTER SYSTEM SET log_min_duration_statement = 0");
      await admin.query("ALTER SYSTEM SET log_line_prefix = '%m [%p] %c '");
      await admin.query("SELECT pg_reload_conf()");
      const dir = (await admin.query<{ d: string }>("SELECT current_setting('data_directory') AS d")).rows[0]!
        .d;
      cleanups.push(async () => void spawnSync("cp", [join(dir, "..", "log"), STATEMENT_LOG]));
    }
    if (ONLY) {
      const out: BenchFigure[] = [];
      let readUrl: string | undefined;
      if (ONLY_ON_REPLICA) {
        const standby = await startReplica(server, { log });
        cleanups.push(() => standby.stop());
        const r = new URL(standby.url);
        r.pathname = "/lamin_windows_bench";
        readUrl = r.toString();
      }
      const builds = SERVERS.length ? SERVERS : [undefined];
      const results = builds.map(() => [] as PhaseResult[]);
      for (let r = 0; r < ROUNDS; r++)
        for (const [b, server] of builds.entries())
          results[b]!.push(
            await phase(`only${b}r${r}`, ONLY, bouncer.url, admin, all, pids, readUrl, server),
          );
      const merged = results.map((rs) => ({
        eventToRow: rs.flatMap((x) => x.eventToRow),
        completion: rs.flatMap((x) => x.completion),
        serverCpu: rs.map((x) => x.serverCpuMsPerWindowSecond),
        rss: rs.flatMap((x) => x.rss),
      }));
      for (const [b, m] of merged.entries()) {
        const tag = `${ONLY} window${ONLY === 1 ? "" : "s"}${readUrl ? " reading on a replica" : ""}, build ${builds[b] ?? "dist/server.js"}, ${ROUNDS} x ${SECONDS} s [postgres]`;
        const first = merged[0]!;
        out.push(
          ...percentileFigures(
            "cell event -> run row committed",
            tag,
            m.eventToRow,
            first.eventToRow,
            "build 0",
          ),
          ...percentileFigures("completion round trip", tag, m.completion, first.completion, "build 0"),
          figure(`windows: server CPU per window-second, ${tag}`, summarize(m.serverCpu).mean, "ms", {
            baseline: { name: "build 0", value: summarize(first.serverCpu).mean },
            backend: "postgres",
            samples: m.serverCpu.map((c) => c.toFixed(1)).join(", "),
          }),
          figure(`windows: server RSS, ${tag}`, summarize(m.rss).mean, "MB", {
            baseline: { name: "build 0", value: summarize(first.rss).mean },
            backend: "postgres",
            samples: m.rss.map((c) => c.toFixed(0)).join(", "),
          }),
        );
      }
      return out;
    }
    const one = await phase("one", 1, bouncer.url, admin, all, pids);
    const { held, steps } = await ramp(bouncer.url, all);
    const measured = Math.max(held, 1);
    // the goals are measured with as many windows as the machine held; the number asked for runs too
    // when it is more, for its correctness figures (errors, runs, connections) and its latencies
    const many = await phase("many", measured, bouncer.url, admin, all, pids);
    const asked =
      WINDOWS > measured ? await phase("asked", WINDOWS, bouncer.url, admin, all, pids) : undefined;
    // the replica only now, so the primary-only phases ran without a walsender; it copies what they wrote
    const standby = await startReplica(server, { log });
    cleanups.push(() => standby.stop());
    const r = new URL(standby.url);
    r.pathname = "/lamin_windows_bench";
    const replicated = await phase("replica", measured, bouncer.url, admin, all, pids, r.toString());
    return [
      figure(
        `windows: windows this machine held on schedule (ramp of ${RAMP_SECONDS} s steps)`,
        held,
        "windows",
        {
          baseline: { name: "windows asked", value: WINDOWS },
          goal: "= windows asked",
          target: { equalsBaseline: true },
          backend: "postgres",
          samples: steps.join("; "),
        },
      ),
      ...figures(one, many),
      ...(asked ? figures(one, asked) : []),
      ...replicaFigures(many, replicated),
    ];
  } finally {
    await cleanUp();
  }
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const figs = await runWindowsBench();
  printTable(figs);
  // a short trial run is printed, not recorded, and so is a profiled one
  if (SECONDS >= 60 && !ONLY && NODE_ARGS.length === 0)
    console.log(`merged into ${mergeResults(figs, { replaces: (n) => n.startsWith("windows: ") })}`);
}

if (process.argv[1] && /windows-bench\.ts$/.test(process.argv[1])) {
  main().catch(async (error: unknown) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  });
}
