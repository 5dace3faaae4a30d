// Logs every garbage collection of the process it is --import'ed into, one line each: the epoch
// start (ms), the pause (ms) and V8's kind (perf_hooks constants: 1 minor, 4 major, 8 incremental
// marking, 16 weak callbacks), to /tmp/gc-<pid>.log (or $GC_LOG_DIR). `--trace-gc` would write to
// stdout, which is the server's LSP channel. Used with BENCH_SERVER_TRACE (bench/server-bench.ts) to
// see which completions a GC pause fell in.
import { PerformanceObserver, performance } from "node:perf_hooks";
import { appendFileSync } from "node:fs";
import { join } from "node:path";

const file = join(process.env.GC_LOG_DIR ?? "/tmp", `gc-${process.pid}.log`);
const lines = [];
const flush = () => {
  if (lines.length) appendFileSync(file, lines.splice(0).join(""));
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    lines.push(
      `${(performance.timeOrigin + e.startTime).toFixed(3)} ${e.duration.toFixed(3)} ${e.detail.kind}\n`,
    );
}).observe({ entryTypes: ["gc"] });
setInterval(flush, 1000).unref(); // not while a request is timed: appends are batched
process.on("exit", flush);
