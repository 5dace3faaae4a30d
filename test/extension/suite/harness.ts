// A tiny test harness for code running inside the extension host (no mocha there): named tests,
// timings, results written to a JSON file the Node-side runner turns into node:test results.
import { writeFileSync } from "node:fs";
import * as vscode from "vscode";

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export type TestFn = () => Promise<void>;

/** No test waits longer than this: a hang fails its own test, with what it waited for, not the suite. */
const TEST_DEADLINE_MS = 300_000;

/** What the running test waits for now (waitFor's description), for a test that hangs. */
let waitingFor = "";

/** The cells of the open notebooks as VS Code sees them: where a hung execution stands. */
function notebookStates(): string {
  return vscode.workspace.notebookDocuments
    .map((nb) => {
      const cells = nb
        .getCells()
        .map((c) => {
          const s = c.executionSummary;
          return `${s?.executionOrder ?? "-"}/${s?.success ?? "-"}/${s?.timing ? "t" : "-"}`;
        })
        .join(" ");
      return `${nb.uri.path.split("/").pop()}: ${cells}`;
    })
    .join("; ");
}

function deadline(ms: number): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const step = waitingFor ? `the last wait: ${waitingFor}` : "no wait in progress (an awaited call hung)";
      reject(new Error(`did not finish in ${ms / 1000} s; ${step}; notebooks: ${notebookStates()}`));
    }, ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

export async function runTests(tests: Array<[string, TestFn]>, resultsFile: string): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    waitingFor = "";
    const limit = deadline(TEST_DEADLINE_MS);
    try {
      await Promise.race([fn(), limit.promise]);
      results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      results.push({ name, ok: false, ms: Date.now() - t0, error });
      console.log(`  FAIL ${name}: ${error}`);
    } finally {
      limit.clear();
    }
    writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  }
  return results;
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  waitingFor = what;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && (v as unknown) !== false) {
        waitingFor = `none since: ${what}`;
        return v;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
