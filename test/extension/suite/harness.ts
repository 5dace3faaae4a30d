// A tiny test harness for code running inside the extension host (no mocha there): named tests,
// timings, results written to a JSON file the Node-side runner turns into node:test results.
import { writeFileSync } from "node:fs";

export interface TestResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export type TestFn = () => Promise<void>;

export async function runTests(tests: Array<[string, TestFn]>, resultsFile: string): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const [name, fn] of tests) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - t0 });
      console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      results.push({ name, ok: false, ms: Date.now() - t0, error });
      console.log(`  FAIL ${name}: ${error}`);
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
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
