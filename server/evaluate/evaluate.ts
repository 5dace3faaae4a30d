// lamin/evaluate: a JavaScript or TypeScript query cell, transpiled here and run in its notebook's
// own process (kernel/kernel.ts), which reaches the database only through validated calls answered
// by this server (kernel/calls.ts). Nothing a cell does can stop, hang or read the server.
import type { JsonValue } from "../../db/shapes";
import type { LaminRequests, QueryCellLimits } from "../protocol";
import { execute } from "./kernel/calls";
import { CellKernel } from "./kernel/kernel";
import type { CellCall } from "./kernel/messages";
import { mimeItems } from "./mime";
import { toScript } from "./transpile";

type Params = LaminRequests["lamin/evaluate"]["params"];
type Result = LaminRequests["lamin/evaluate"]["result"];

const STDOUT = "application/vnd.code.notebook.stdout";
const STDERR = "application/vnd.code.notebook.stderr";
export interface QueryCellSettings {
  /** Checked (limits.ts); setLimits() replaces them for the next cell and the next process. */
  limits: Required<QueryCellLimits>;
  /** Runs a registry call with the server's database (Database.use). */
  use<T>(fn: () => Promise<T>): Promise<T>;
}

/** A notebook's kernel key: its URI; a cell URI without its fragment; one shared kernel otherwise. */
function notebookOf(p: Params): string {
  if (typeof p.notebookUri === "string" && p.notebookUri) return p.notebookUri;
  if (typeof p.cellUri === "string" && p.cellUri) return p.cellUri.replace(/#.*$/, "");
  return "";
}

function invalid(message: string): Result {
  return { outputs: [], error: { name: "InvalidArgument", message } };
}

export class QueryCells {
  private readonly kernels = new Map<string, CellKernel>();

  private limits: Required<QueryCellLimits>;

  constructor(private readonly settings: QueryCellSettings) {
    this.limits = settings.limits;
  }

  /** New limits: a cell started from now on has the new timeout, a process started the new heap limit. */
  setLimits(limits: Required<QueryCellLimits>): void {
    this.limits = limits;
  }

  async evaluate(p: Params): Promise<Result> {
    if (typeof p !== "object" || p === null || typeof p.code !== "string")
      return invalid("lamin/evaluate takes { code, language }");
    if (p.language !== "javascript" && p.language !== "typescript")
      return invalid(
        `lamin/evaluate: language is "javascript" or "typescript", not ${JSON.stringify(p.language)}`,
      );
    let script: string;
    try {
      script = await toScript(p.code, p.language);
    } catch (e) {
      return {
        outputs: [],
        error: { name: "SyntaxError", message: e instanceof Error ? e.message : String(e) },
      };
    }
    const outcome = await this.kernel(notebookOf(p)).run(
      script,
      typeof p.cellUri === "string" ? p.cellUri : "query-cell",
    );
    const outputs: Result["outputs"] = outcome.outputs.map((o) => ({
      items: [{ mime: o.stream === "stderr" ? STDERR : STDOUT, data: o.text }],
    }));
    const items = mimeItems(outcome.value, outcome.text);
    if (items.length) outputs.push({ items });
    return outcome.error ? { outputs, error: outcome.error } : { outputs };
  }

  /** Stops the notebook's running cell (its process restarts with the next cell). */
  interrupt(notebookUri: string): boolean {
    return this.kernels.get(notebookUri)?.stop("Interrupted", "The cell was interrupted") ?? false;
  }

  /** The kernel's restart: a new process for the notebook's next cell. */
  restart(notebookUri: string): void {
    this.kernels.get(notebookUri)?.stop("Interrupted", "The kernel was restarted");
    this.kernels.delete(notebookUri);
  }

  stopAll(): void {
    for (const k of this.kernels.keys()) this.restart(k);
  }

  /**
   * A registry call needs the server's database up (Database.use), but its failure is the cell's, not
   * the connection's: a connect()ed instance that cannot be reached leaves the server's database
   * marked up, as when cells ran inside the server.
   */
  private async call(call: CellCall): Promise<JsonValue> {
    const settled = await this.settings.use(() =>
      execute(call).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    if ("error" in settled) throw settled.error;
    return settled.value;
  }

  private kernel(notebook: string): CellKernel {
    let k = this.kernels.get(notebook);
    if (!k) {
      k = new CellKernel(notebook, {
        limits: () => this.limits,
        execute: (call: CellCall) => this.call(call),
      });
      this.kernels.set(notebook, k);
    }
    return k;
  }
}
