// The activation probe: on startup finished, after the host has settled, it activates one extension named in
// LAMIN_BENCH_PROBE_IDS, not active yet, and times `getExtension(id).activate()` from outside it (the host's
// module load of its main file, the extension context, activate() and whatever it awaits), then appends one
// JSON line to LAMIN_BENCH_PROBE_OUT for bench/host-activation.ts. One extension per extension-host start,
// taking turns: whatever the first one leaves running after its activate() returned (our extension starts its
// language server then) would otherwise land on the second one's time.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as vscode from "vscode";

/** What one extension-host start reports (bench/host-activation.ts reads the same shape). */
export interface ProbeSample {
  pid: number;
  id: string;
  ms?: number;
  /** What the extension says its activate() took (ours returns activationMs), for the log. */
  insideMs?: number;
  /**
   * The host's own marks for this activation (code/extHost/willLoadExtensionCode/<id> and so on), in ms
   * after the probe called activate() (Date.now() resolution): where the time went, for the log.
   */
  phases?: Record<string, number>;
  /** When the probe called activate() (Date.now()): the harness matches it against the page's long tasks. */
  at?: number;
  /** The host process's CPU time (user + system) over the activation, ms: how much of it the host computed. */
  cpuMs?: number;
  /** The host's event loop's gaps over 5 ms during the activation ("start+ms", relative to it): a busy host. */
  loopGaps?: string;
  /** Runnable threads on the machine (/proc/stat procs_running) as the activation began: CPU contention. */
  running?: number;
  /** Already active when the probe came: not an activation to time. */
  wasActive?: boolean;
  error?: string;
}

/** Lets the startup's other activations (built-in extensions on "*" and onStartupFinished) finish first. */
const SETTLE_MS = 2000;

export async function activate(): Promise<void> {
  const out = process.env.LAMIN_BENCH_PROBE_OUT;
  const ids = (process.env.LAMIN_BENCH_PROBE_IDS ?? "").split(",").filter(Boolean);
  if (!out || !ids.length) return;
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const done = existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean).length : 0;
  // LAMIN_BENCH_PROBE_GO=<prefix>: wait for the harness's go file <prefix><n>, which names the extension to
  // activate (the harness writes it at once, or once the workbench page has been free of long tasks for a while)
  const go = process.env.LAMIN_BENCH_PROBE_GO;
  if (go) while (!existsSync(`${go}${done}`)) await new Promise((r) => setTimeout(r, 20));
  const id = go ? readFileSync(`${go}${done}`, "utf8").trim() : ids[done % ids.length]!;
  const sample: ProbeSample = { pid: process.pid, id };
  try {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(`${id} is not installed in this extension host`);
    if (ext.isActive) sample.wasActive = true;
    else {
      // LAMIN_BENCH_PROBE_PROFILE=<dir>: a CPU profile of the activation (where the time goes; the
      // profiler's own cost lands on the time, so such a run's figures are for the breakdown only)
      const profile = process.env.LAMIN_BENCH_PROBE_PROFILE;
      const session = profile ? await startProfile() : undefined;
      sample.running = procsRunning();
      // LAMIN_BENCH_PROBE_TRACE=1 only: a 1 ms timer is work of its own on the host's thread
      const beat = process.env.LAMIN_BENCH_PROBE_TRACE === "1" ? heartbeat() : undefined;
      const cpu0 = process.cpuUsage();
      const d0 = Date.now();
      sample.at = d0;
      const t0 = performance.now();
      await ext.activate();
      sample.ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      sample.cpuMs = (cpu.user + cpu.system) / 1000;
      if (beat) sample.loopGaps = beat.stop(t0);
      sample.phases = hostMarks(id, d0);
      if (session && profile) await stopProfile(session, join(profile, `${id}-${process.pid}.cpuprofile`));
      const inside: unknown = (ext.exports as { activationMs?: unknown } | undefined)?.activationMs;
      if (typeof inside === "number") sample.insideMs = inside;
    }
  } catch (e) {
    sample.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  appendFileSync(out, `${JSON.stringify(sample)}\n`);
}

/** Timers 1 ms apart, each noting how late it ran: the host's event loop's busy stretches. */
function heartbeat(): { stop(t0: number): string } {
  const gaps: [number, number][] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    if (t - last > 5) gaps.push([last, t - last]);
    last = t;
  }, 1);
  return {
    stop(t0) {
      clearInterval(timer);
      return gaps.map(([at, ms]) => `${(at - t0).toFixed(1)}+${ms.toFixed(1)}`).join(" ");
    },
  };
}

function procsRunning(): number | undefined {
  try {
    const m = /^procs_running (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** VS Code's performance marks (vs/base/common/performance keeps them on globalThis). */
function hostMarks(id: string, since: number): Record<string, number> | undefined {
  const perf = (
    globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }
  ).MonacoPerformanceMarks;
  const out: Record<string, number> = {};
  for (const m of perf?.getMarks() ?? [])
    if (m.name.startsWith("code/extHost/") && m.name.endsWith(`/${id}`))
      out[m.name.slice("code/extHost/".length, -id.length - 1)] = m.startTime - since;
  return Object.keys(out).length ? out : undefined;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (e, r) => (e ? reject(e) : resolve(r as T))),
  );
}

async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await post(session, "Profiler.enable");
  await post(session, "Profiler.setSamplingInterval", { interval: 100 });
  await post(session, "Profiler.start");
  return session;
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await post<{ profile: unknown }>(session, "Profiler.stop");
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}
