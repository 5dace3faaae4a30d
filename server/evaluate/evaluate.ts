// lamin/evaluate: a JavaScript or TypeScript query cell run in a node:vm context with `ln` bound
// to the db registries. The vm is a scope, not a security boundary: cells are the user's own code,
// and an untrusted workspace evaluates nothing.
import { inspect } from "node:util";
import vm from "node:vm";
import { Q } from "../../db/index";
import { REGISTRIES } from "../data/registries";
import { lookupKey } from "../data/query-api";
import type { LaminRequests } from "../protocol";
import { mimeItems } from "./mime";
import { toScript } from "./transpile";

type Params = LaminRequests["lamin/evaluate"]["params"];
type Result = LaminRequests["lamin/evaluate"]["result"];

const STDOUT = "application/vnd.code.notebook.stdout";
const STDERR = "application/vnd.code.notebook.stderr";
const SYNC_TIMEOUT_MS = 5_000;
const TIMEOUT_MS = 120_000;

export async function evaluate(params: Params): Promise<Result> {
  const outputs: Result["outputs"] = [];
  const print =
    (mime: string) =>
    (...args: unknown[]) => {
      outputs.push({
        items: [
          {
            mime,
            data: args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4 }))).join(" ") + "\n",
          },
        ],
      });
    };
  const ln = Object.freeze({ ...REGISTRIES, Q, lookupKey });
  const context = vm.createContext({
    ln,
    console: { log: print(STDOUT), info: print(STDOUT), warn: print(STDERR), error: print(STDERR) },
    setTimeout,
    clearTimeout,
    Date,
    JSON,
    Math,
    Promise,
  });
  try {
    const script = new vm.Script(await toScript(params.code, params.language), {
      filename: params.cellUri ?? "query-cell",
    });
    const pending = script.runInContext(context, { timeout: SYNC_TIMEOUT_MS }) as Promise<
      { value: unknown } | undefined
    >;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`The cell did not finish within ${TIMEOUT_MS / 1000} s`), {
              name: "Timeout",
            }),
          ),
        TIMEOUT_MS,
      );
    });
    const boxed = await Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
    const items = await mimeItems(boxed?.value);
    if (items.length) outputs.push({ items });
    return { outputs };
  } catch (e) {
    const err = e as { name?: unknown; message?: unknown; stack?: unknown };
    return {
      outputs,
      error: {
        name: typeof err?.name === "string" ? err.name : "Error",
        message: typeof err?.message === "string" ? err.message : String(e),
        ...(typeof err?.stack === "string" ? { stack: err.stack } : {}),
      },
    };
  }
}
