// The activation probe: on startup finished, after the host has settled, it activates one extension named in
// LAMIN_BENCH_PROBE_IDS, not active yet, and times `getExtension(id).activate()` from outside it (the host's
// module load of its main file, the extension context, activate() and whatever it awaits), then appends one
// JSON line to LAMIN_BENCH_PROBE_OUT for bench/host-activation.ts. One extension per extension-host start,
// taking turns: whatever the first one leaves running after its activate() returned (our extension starts its
// language server then) would otherwise land on the second one's time.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as vscode from "vscode";

/** What one extension-host start reports (bench/host-activation.ts reads the same shape). */
export interface ProbeSample {
  pid: number;
  id: string;
  ms?: number;
  /** What the extension says its activate() took (ours returns activationMs), for the log. */
  insideMs?: number;
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
  const id = ids[done % ids.length]!;
  const sample: ProbeSample = { pid: process.pid, id };
  try {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) throw new Error(`${id} is not installed in this extension host`);
    if (ext.isActive) sample.wasActive = true;
    else {
      const t0 = performance.now();
      await ext.activate();
      sample.ms = performance.now() - t0;
      const inside: unknown = (ext.exports as { activationMs?: unknown } | undefined)?.activationMs;
      if (typeof inside === "number") sample.insideMs = inside;
    }
  } catch (e) {
    sample.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  appendFileSync(out, `${JSON.stringify(sample)}\n`);
}
