// The durable tracking queue (extension/tracking/queue.ts, sender.ts) under a backlog: 10,000 events
// of a 20 KB notebook, executed in bursts of 10 cells with the source edited between bursts (a new
// source, so a source record, per burst), queued while the server was away, then drained.
//   - drain: the sender delivers every event (serialised as the JSON-RPC request would be; the server
//     answers at once) and acknowledges it, until the log is gone from disk; vs the bare work any queue
//     must do for the same events (serialise each as a request, one await each);
//   - adoption: the next window opens the dead window's log and drains it; vs reading and parsing the
//     same log, then the bare drain;
//   - appending: one durable append (write + fsync) per event, awaited, vs a bare append + fsync of the
//     same line on an open file.
// Run: node --import tsx bench/queue-bench.ts  (or npm run bench -- queue); merges into bench/results.json.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DurableQueue } from "../extension/tracking/queue";
import { EventSender, type Delivery } from "../extension/tracking/sender";
import type { TrackEvent } from "../server/protocol";
import { figure, mergeResults, printTable, summarize, type BenchFigure } from "./figures";

const EVENTS = Number(process.env.BENCH_QUEUE_EVENTS) || 10_000;
const REPS = Number(process.env.BENCH_QUEUE_REPS) || 5;
const APPENDS = Number(process.env.BENCH_QUEUE_APPENDS) || 1_000;
const CELLS = 10;
const SOURCE = `import lamindb as ln\nimport pandas as pd\n${"df = pd.DataFrame({'a': range(100)})\n".repeat(540)}`;

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lamin-queue-bench-"));
  dirs.push(d);
  return d;
};

/** The events of `count` executions' worth of bursts: started/finished per cell, then idle. */
function events(count: number): TrackEvent[] {
  const out: TrackEvent[] = [];
  const uri = "file:///w/analysis.ipynb";
  let t = 1_700_000_000_000;
  for (let burst = 0; out.length < count; burst++) {
    const notebook = { uri, key: "analysis.ipynb", source: `${SOURCE}# edit ${burst}\n`, title: "Analysis" };
    for (let c = 0; c < CELLS && out.length < count; c++) {
      const cell = { index: c, executionOrder: burst * CELLS + c + 1 };
      out.push({
        type: "cellStarted",
        notebook,
        cell: { ...cell, startTime: t },
        eventId: `b${burst}s${c}`,
        at: t,
        sessionId: "bench",
      });
      t += 7;
      if (out.length < count)
        out.push({
          type: "cellFinished",
          notebook,
          cell: { ...cell, startTime: t - 7, endTime: t, success: true },
          eventId: `b${burst}f${c}`,
          at: t,
          sessionId: "bench",
        });
    }
    if (out.length < count)
      out.push({ type: "executionIdle", notebookUri: uri, eventId: `b${burst}i`, at: t, sessionId: "bench" });
  }
  return out;
}

/** What the language client does with a request: serialise it; the server answers at once. */
const send = async (e: TrackEvent): Promise<Delivery> => {
  JSON.stringify({ jsonrpc: "2.0", id: 1, method: "lamin/track", params: e });
  return { kind: "ok", result: { run: null, duplicate: false } };
};

/** A queue holding `list`, written while the server was away. */
async function backlog(dir: string, list: TrackEvent[], pid: number): Promise<DurableQueue> {
  const q = DurableQueue.open({ dir, sessionId: "bench", pid, isAlive: (p) => p === pid });
  await q.ready;
  await Promise.all(list.map((e) => q.append(e)));
  return q;
}

/** Drains q with a sender, returning total ms and the time between successive deliveries. */
async function drain(q: DurableQueue): Promise<{ total: number; perEvent: number[] }> {
  const perEvent: number[] = [];
  let last = performance.now();
  const t0 = last;
  const sender = new EventSender(q, {
    send,
    onDelivered: () => {
      const now = performance.now();
      perEvent.push(now - last);
      last = now;
    },
  });
  await sender.kick();
  await q.idle(); // the acknowledged offset, and the drained log removed, on disk
  const total = performance.now() - t0;
  sender.dispose();
  if (q.size !== 0) throw new Error(`${q.size} events left`);
  return { total, perEvent };
}

/** The events of a log as stored (source records left out): what a drain works on. */
function storedEvents(path: string): TrackEvent[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith('{"kind":"source"'))
    .map((l) => JSON.parse(l) as TrackEvent);
}

/** The irreducible part of a drain: serialise each event as a request, one await each. */
async function bare(list: readonly TrackEvent[]): Promise<{ total: number; perEvent: number[] }> {
  const perEvent: number[] = [];
  const t0 = performance.now();
  let last = t0;
  for (const e of list) {
    await send(e);
    const now = performance.now();
    perEvent.push(now - last);
    last = now;
  }
  return { total: performance.now() - t0, perEvent };
}

/** The irreducible part of taking a log over: read it, parse every line, then drain bare. */
async function bareFromFile(path: string): Promise<number> {
  const t0 = performance.now();
  const list = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l) as TrackEvent & { kind?: string })
    .filter((e) => e.kind === undefined);
  await bare(list);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const list = events(EVENTS);
  const drains: number[] = [];
  const bares: number[] = [];
  const adoptions: number[] = [];
  const bareAdoptions: number[] = [];
  const perEvent: number[] = [];
  const barePerEvent: number[] = [];
  let logBytes = 0;
  for (let rep = 0; rep < REPS; rep++) {
    // same window: the server comes back and the sender drains the backlog; the bare loop reads the
    // very log first (interleaved, so machine noise falls on both)
    const dir = tempDir();
    const q = await backlog(dir, list, 100 + rep);
    logBytes = readFileSync(q.path).length;
    const b = await bare(storedEvents(q.path));
    const d = await drain(q);
    drains.push(d.total);
    bares.push(b.total);
    perEvent.push(...d.perEvent);
    barePerEvent.push(...b.perEvent);
    await q.close();
    // the next window: the dead window's log is adopted (read, validated, rewritten as its own) and drained
    const dead = tempDir();
    const old = await backlog(dead, list, 200 + rep);
    await old.close();
    bareAdoptions.push(await bareFromFile(old.path));
    const t0 = performance.now();
    const next = DurableQueue.open({
      dir: dead,
      sessionId: "next",
      pid: 300 + rep,
      isAlive: (p) => p === 300 + rep,
    });
    await next.ready;
    if (next.size !== EVENTS + 1) throw new Error(`adopted ${next.size} events`);
    await drain(next);
    adoptions.push(performance.now() - t0);
    await next.close();
    console.log(
      `rep ${rep + 1}/${REPS}: drain ${d.total.toFixed(0)} ms (bare ${b.total.toFixed(0)} ms), adopt + drain ${adoptions[rep].toFixed(0)} ms`,
    );
  }

  // durable appends, one at a time as events arrive, vs a bare append + fsync of the same line
  const appendMs: number[] = [];
  const bareAppendMs: number[] = [];
  {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "append", pid: 400, isAlive: () => true });
    await q.ready;
    const fh = await open(join(dir, "bare.jsonl"), "a", 0o600);
    const sample = list.slice(0, APPENDS);
    for (const [i, e] of sample.entries()) {
      const line = `${JSON.stringify(e)}\n`;
      // alternate which goes first, so neither always meets a warm or a cold disk
      const runQueue = async () => {
        const t = performance.now();
        await q.append(e);
        appendMs.push(performance.now() - t);
      };
      const runBare = async () => {
        const t = performance.now();
        await fh.write(line);
        await fh.datasync();
        bareAppendMs.push(performance.now() - t);
      };
      if (i % 2) {
        await runQueue();
        await runBare();
      } else {
        await runBare();
        await runQueue();
      }
    }
    await fh.close();
    await q.close();
  }

  const sd = summarize(drains);
  const sb = summarize(bares);
  const sa = summarize(adoptions);
  const sba = summarize(bareAdoptions);
  const pe = summarize(perEvent);
  const pb = summarize(barePerEvent);
  const ap = summarize(appendMs);
  const bp = summarize(bareAppendMs);
  const n = EVENTS.toLocaleString("en");
  const figures: BenchFigure[] = [
    figure(
      `queue: drain ${n} queued events, 20 KB notebook, new source each burst (median of ${REPS})`,
      sd.p50,
      "ms",
      {
        baseline: { name: "serialise the same events as requests, one await each (median)", value: sb.p50 },
        goal: "<= 5000 ms",
        target: { max: 5000 },
        samples: `${sd.n} / ${sb.n}`,
      },
    ),
    figure(
      `queue: drain ${n} queued events, 20 KB notebook, new source each burst (p99 of ${REPS})`,
      sd.p99,
      "ms",
      {
        baseline: { name: "serialise the same events as requests, one await each (p99)", value: sb.p99 },
        samples: `${sd.n} / ${sb.n}`,
      },
    ),
    figure(`queue: drain ${n} queued events (slowest of ${REPS})`, sd.max, "ms", {
      baseline: { name: "bare loop, slowest", value: sb.max },
      goal: "<= 5000 ms",
      target: { max: 5000 },
    }),
    figure(`queue: drain, per event (p50)`, pe.p50 * 1000, "us", {
      baseline: { name: "bare loop, per event (p50)", value: pb.p50 * 1000 },
      samples: `${pe.n} / ${pb.n}`,
    }),
    figure(`queue: drain, per event (p99)`, pe.p99 * 1000, "us", {
      baseline: { name: "bare loop, per event (p99)", value: pb.p99 * 1000 },
      samples: `${pe.n} / ${pb.n}`,
    }),
    figure(
      `queue: next window adopts a dead window's ${n} events and drains them (median of ${REPS})`,
      sa.p50,
      "ms",
      {
        baseline: {
          name: "read + parse the log, serialise each event, one await each (median)",
          value: sba.p50,
        },
        goal: "<= 5000 ms",
        target: { max: 5000 },
        samples: `${sa.n} / ${sba.n}`,
      },
    ),
    figure(
      `queue: next window adopts a dead window's ${n} events and drains them (p99 of ${REPS})`,
      sa.p99,
      "ms",
      {
        baseline: {
          name: "read + parse the log, serialise each event, one await each (p99)",
          value: sba.p99,
        },
        samples: `${sa.n} / ${sba.n}`,
      },
    ),
    figure(`queue: durable append of one event, awaited (p50)`, ap.p50, "ms", {
      baseline: { name: "bare write + fdatasync of the line (p50)", value: bp.p50 },
      samples: `${ap.n} / ${bp.n}`,
    }),
    figure(`queue: durable append of one event, awaited (p99)`, ap.p99, "ms", {
      baseline: { name: "bare write + fdatasync of the line (p99)", value: bp.p99 },
      samples: `${ap.n} / ${bp.n}`,
    }),
  ];
  console.log(`log of ${n} events: ${(logBytes / 1024 / 1024).toFixed(1)} MiB (sources once per burst)`);
  printTable(figures);
  if (EVENTS === 10_000 && REPS >= 5) {
    console.log(
      `merged into ${mergeResults(figures, {
        replaces: (name) => name.startsWith("queue:"),
        machine: { loadavg1m: Number(loadavg()[0].toFixed(2)) },
      })}`,
    );
  } else console.log("(a reduced run: bench/results.json left alone)");
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
