// A query-cell process (dist/cell-kernel.js), one per notebook, forked by the language server
// (kernel.ts) with a memory limit, an empty environment and, where Node supports it, the permission
// model (no file system beyond this script, no child processes, no workers). It runs each cell's
// script in a fresh vm context with `ln` bound; `ln` (remote-ln.ts) sends every registry call to the
// server, so this process never holds a connection or a credential.
import { inspect } from "node:util";
import vm from "node:vm";
import type { JsonValue } from "../../../db/shapes";
import type { CellCall, FromChild, ToChild, WireError } from "./messages";
import { RemoteLn, RemoteQuerySet } from "./remote-ln";

let ln: RemoteLn | undefined;
let current: number | undefined;
let nextCall = 1;
const pending = new Map<number, { resolve: (v: JsonValue) => void; reject: (e: Error) => void }>();

function post(m: FromChild): void {
  process.send?.(m);
}

function send(call: CellCall): Promise<JsonValue> {
  const callId = nextCall++;
  return new Promise<JsonValue>((resolve, reject) => {
    pending.set(callId, { resolve, reject });
    post({ type: "call", callId, call });
  });
}

function wireError(e: unknown): WireError {
  const err = e as { name?: unknown; message?: unknown; stack?: unknown };
  return {
    name: typeof err?.name === "string" ? err.name : "Error",
    message: typeof err?.message === "string" ? err.message : String(e),
    ...(typeof err?.stack === "string" ? { stack: err.stack } : {}),
  };
}

const text = (args: unknown[]) =>
  args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4 }))).join(" ") + "\n";

function print(stream: "stdout" | "stderr") {
  return (...args: unknown[]) => {
    if (current !== undefined) post({ type: "output", runId: current, stream, text: text(args) });
  };
}

// A rejection nobody awaited, or a throwing timer, is the running cell's stderr, not this process's end.
process.on("unhandledRejection", (e) =>
  print("stderr")(`Unhandled rejection: ${wireError(e).name}: ${wireError(e).message}`),
);
process.on("uncaughtException", (e) =>
  print("stderr")(`Uncaught exception: ${wireError(e).name}: ${wireError(e).message}`),
);

function toJson(v: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
  } catch {
    return inspect(v);
  }
}

/** The cell's value as the server renders it: a query as its DataFrame, a saved record as its describe(). */
async function present(value: unknown): Promise<{ value?: JsonValue; text?: string }> {
  if (value instanceof RemoteQuerySet) value = await value.toDataFrame();
  else if (typeof (value as PromiseLike<unknown>)?.then === "function") value = await value;
  if (ln?.isRecord(value) && ln.isSaved(value))
    value = await (value as { describe(): Promise<unknown> }).describe();
  if (value === undefined) return {};
  return { value: toJson(value), text: typeof value === "string" ? value : inspect(value, { depth: 4 }) };
}

async function run(runId: number, script: string, filename: string): Promise<void> {
  current = runId;
  try {
    if (!ln) throw new Error("internal: the kernel was not initialised");
    const context = vm.createContext({
      ln: ln.namespace(),
      console: { log: print("stdout"), info: print("stdout"), warn: print("stderr"), error: print("stderr") },
      setTimeout,
      clearTimeout,
      Date,
      JSON,
      Math,
      Promise,
    });
    const boxed = (await new vm.Script(script, { filename }).runInContext(context)) as
      { value: unknown } | undefined;
    post({ type: "done", runId, ...(await present(boxed?.value)) });
  } catch (e) {
    post({ type: "done", runId, error: wireError(e) });
  }
}

process.on("message", (m: ToChild) => {
  if (m.type === "init") ln = new RemoteLn(m.registries, send);
  else if (m.type === "run") void run(m.runId, m.script, m.filename);
  else if (m.type === "answer") {
    const p = pending.get(m.callId);
    if (!p) return;
    pending.delete(m.callId);
    if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
    else p.resolve(m.value ?? null);
  }
});
// the server closed the channel (it stopped or restarts this kernel): nothing is left to do
process.on("disconnect", () => process.exit(0));
