// One query-cell process per notebook, like a Jupyter kernel: started on the notebook's first cell,
// with a heap limit, an environment without credentials and no database connection. Cells run one
// after another; a cell that outlives its timeout, an interrupt or a restart kills the process (the
// next cell starts a fresh one), and a process that dies (out of memory) fails only its cell.
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { JsonValue } from "../../../db/shapes";
import { errorMessage, log } from "../../log";
import type { QueryCellLimits } from "../../protocol";
import type { CellCall, FromChild, ToChild, WireError } from "./messages";
import { registryShapes } from "./calls";

export interface KernelSettings {
  /** Read as a cell starts (its timeout) and as a process starts (its heap limit). */
  limits(): Required<QueryCellLimits>;
  /** Executes a cell's registry call (validated there) in the server. */
  execute(call: CellCall): Promise<JsonValue>;
}

export interface CellOutcome {
  outputs: Array<{ stream: "stdout" | "stderr"; text: string }>;
  value?: JsonValue;
  text?: string;
  error?: WireError;
}

/** dist/cell-kernel.js, next to dist/server.js. */
const SCRIPT = join(__dirname, "cell-kernel.js");
const MAX_OUTPUT_CHARS = 2_000_000;

/** Node flags of the child: a heap limit, and the permission model where this Node has it. */
function childArgs(memoryMb: number): string[] {
  const flags = process.allowedNodeEnvironmentFlags;
  const args = [`--max-old-space-size=${memoryMb}`];
  const permission = flags.has("--permission")
    ? "--permission"
    : flags.has("--experimental-permission")
      ? "--experimental-permission"
      : undefined;
  if (permission) args.push(permission, `--allow-fs-read=${SCRIPT}`);
  if (flags.has("--disable-warning")) args.push("--disable-warning=ExperimentalWarning");
  return args;
}

/** Nothing of the server's environment (database URLs, tokens, LAMIN_*), except what runs Node itself. */
function childEnv(): NodeJS.ProcessEnv {
  return process.env.ELECTRON_RUN_AS_NODE ? { ELECTRON_RUN_AS_NODE: process.env.ELECTRON_RUN_AS_NODE } : {};
}

interface Running {
  runId: number;
  outcome: CellOutcome;
  chars: number;
  done: (o: CellOutcome) => void;
  timer: NodeJS.Timeout;
}

export class CellKernel {
  private child: ChildProcess | undefined;
  private running: Running | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextRun = 1;

  constructor(
    readonly notebook: string,
    private readonly settings: KernelSettings,
  ) {}

  /** Runs a cell's script after the ones before it. */
  run(script: string, filename: string): Promise<CellOutcome> {
    const result = this.queue.then(() => this.runNow(script, filename));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the running cell (and the process): the cell fails with `reason`. */
  stop(name: string, reason: string): boolean {
    const wasRunning = this.running !== undefined;
    this.finish({ error: { name, message: reason } });
    const child = this.child;
    this.child = undefined;
    child?.kill("SIGKILL");
    return wasRunning;
  }

  private runNow(script: string, filename: string): Promise<CellOutcome> {
    return new Promise<CellOutcome>((done) => {
      const child = this.ensureChild();
      const runId = this.nextRun++;
      const seconds = this.settings.limits().timeoutSeconds;
      const timer = setTimeout(
        () =>
          this.stop(
            "Timeout",
            `The cell did not finish within ${seconds} s; its process was stopped (the next cell starts a new one)`,
          ),
        seconds * 1000,
      );
      this.running = { runId, outcome: { outputs: [] }, chars: 0, done, timer };
      this.post(child, { type: "run", runId, script, filename });
    });
  }

  private finish(end: Omit<CellOutcome, "outputs">): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    clearTimeout(r.timer);
    r.done({ ...r.outcome, ...end });
  }

  private post(child: ChildProcess, m: ToChild): void {
    if (child.connected) child.send(m, (e) => e && log("warn", `query kernel: ${errorMessage(e)}`));
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const { memoryMb } = this.settings.limits();
    const child = fork(SCRIPT, [], {
      execArgv: childArgs(memoryMb),
      env: childEnv(),
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "json",
    });
    this.child = child;
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      if (stderr.length < 4_000) stderr += d.toString();
    });
    child.on("message", (m: FromChild) => this.onMessage(child, m));
    child.on("error", (e) => log("warn", `query kernel for ${this.notebook}: ${errorMessage(e)}`));
    child.on("exit", (code, signal) => {
      // a process stop() replaced is over already; its cell has failed
      if (this.child !== child) return;
      this.child = undefined;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      if (code !== 0) log("info", `query kernel for ${this.notebook} ended (${how}) ${stderr.slice(-500)}`);
      // killed by stop(), the cell already failed; otherwise it died under the cell (out of memory)
      this.finish({
        error: {
          name: "KernelDied",
          message: /heap|memory/i.test(stderr)
            ? `The cell ran out of memory (${memoryMb} MB); its process was restarted`
            : `The cell's process ended (${how}); the next cell starts a new one`,
        },
      });
    });
    this.post(child, { type: "init", registries: registryShapes() });
    return child;
  }

  private onMessage(child: ChildProcess, m: FromChild): void {
    if (child !== this.child || typeof m !== "object" || m === null) return;
    const r = this.running;
    if (m.type === "output") {
      if (!r || m.runId !== r.runId || typeof m.text !== "string") return;
      if (r.chars > MAX_OUTPUT_CHARS) return;
      r.chars += m.text.length;
      r.outcome.outputs.push({
        stream: m.stream === "stderr" ? "stderr" : "stdout",
        text: r.chars > MAX_OUTPUT_CHARS ? "... (output truncated)\n" : m.text,
      });
    } else if (m.type === "done") {
      if (r && m.runId === r.runId)
        this.finish({
          ...(m.value !== undefined ? { value: m.value } : {}),
          ...(typeof m.text === "string" ? { text: m.text } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
    } else if (m.type === "call") {
      const callId = m.callId;
      // a call outside a running cell (a timer left behind) is refused: a cell's work ends with the cell
      const answer: Promise<JsonValue> = r
        ? Promise.resolve().then(() => this.settings.execute(m.call))
        : Promise.reject(Object.assign(new Error("The cell has finished"), { name: "CellFinished" }));
      answer.then(
        (value) => this.post(child, { type: "answer", callId, value }),
        (e: unknown) => this.post(child, { type: "answer", callId, error: toWireError(e) }),
      );
    }
  }
}

function toWireError(e: unknown): WireError {
  const err = e as { name?: unknown; message?: unknown };
  return {
    name: typeof err?.name === "string" ? err.name : "Error",
    message: typeof err?.message === "string" ? err.message : String(e),
  };
}
