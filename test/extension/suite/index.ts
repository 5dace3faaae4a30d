// The integration suite, run INSIDE a real VS Code extension host (code-server, loaded through the
// workbench's extensionTestsPath payload; or @vscode/test-electron). It drives notebooks with the test
// kernel and checks what the server recorded through the extension's API and lamin/* requests.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { queuedEventsIn } from "../../../extension/tracking/queue";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LaminExtensionApi } from "../../../extension/api";
import type { RunSummary, TrackEvent } from "../../../server/protocol";
import { runTests, sleep, waitFor, type TestFn } from "./harness";
import { inspectTests } from "./inspect";
import { kernelScenarios } from "./kernel-scenarios";
import { laminScenarios } from "./lamin-scenarios";
import { watchdogScenario } from "./watchdog-scenario";
import { execute, openNotebook, pythonKernel, testKernel } from "./notebooks";

interface SuiteConfig {
  mode: "main" | "untrusted" | "lamin";
  workspace: string;
  resultsFile: string;
  seededLabels: string[];
  /** Only the tests whose name holds this (and the first, which waits for the server): one scenario. */
  only?: string;
  /** A PostgreSQL cluster of this test run, and the command lines that stop and start it again. */
  postgres?: { url: string; pause: string[]; resume: string[] };
}

const EXTENSION_ID = "lamindb-vscode.lamindb-vscode";

export async function run(): Promise<void> {
  const config = JSON.parse(readFileSync(join(__dirname, "suite-config.json"), "utf8")) as SuiteConfig;
  const ext = vscode.extensions.getExtension<LaminExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} not found`);
  const api = await ext.activate();
  const delivered: TrackEvent[] = [];
  api.tracking.onDidDeliver((e) => delivered.push(e));
  const ctx = { api, config, delivered };
  const all =
    config.mode === "main"
      ? [...mainTests(ctx), ...inspectTests(api, config.workspace)]
      : config.mode === "lamin"
        ? laminScenarios({ api, ws: config.workspace, url: config.postgres!.url })
        : untrustedTests(ctx);
  const only = config.only;
  const tests = only ? all.filter(([name], i) => i === 0 || name.includes(only)) : all;
  const results = await runTests(tests, config.resultsFile);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`LAMIN-SUITE done: ${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} test(s) failed`);
}

interface Ctx {
  api: LaminExtensionApi;
  config: SuiteConfig;
  delivered: TrackEvent[];
}

const uriOf = (nb: vscode.NotebookDocument) => nb.uri.toString();
const execFileAsync = promisify(execFile);

/** Runs a command line of the harness (stopping or starting the PostgreSQL cluster). */
async function command([cmd, ...args]: string[]): Promise<void> {
  await execFileAsync(cmd, args, { timeout: 60000 });
}

/** The events waiting in the durable queue's files, in file order (acknowledged ones skipped). */
function queuedEvents(api: LaminExtensionApi): Promise<TrackEvent[]> {
  return queuedEventsIn(api.tracking.queueDir!);
}

/** Events waiting in the durable queue's files. */
async function queuedLines(api: LaminExtensionApi): Promise<number> {
  return (await queuedEvents(api)).length;
}

/** Waits until `count` executions of a notebook have ended in the queue (their executionIdle). */
async function queuedExecutions(api: LaminExtensionApi, nb: vscode.NotebookDocument, count: number) {
  let types: string[] = [];
  try {
    await waitFor(
      `${count} executions of ${nb.uri.path} ended in the queue`,
      async () => {
        const events = await queuedEvents(api);
        types = events.map((e) => e.type);
        return (
          events.filter((e) => e.type === "executionIdle" && e.notebookUri === uriOf(nb)).length >= count
        );
      },
      45000,
    );
  } catch (e) {
    throw new Error(`${String(e)}; queued: ${types.join(", ")}`, { cause: e });
  }
}

async function activeRun(
  api: LaminExtensionApi,
  nb: vscode.NotebookDocument,
  status?: RunSummary["status"],
): Promise<RunSummary> {
  return waitFor(`a ${status ?? ""} run of ${nb.uri.path}`, async () => {
    await api.tracking.flush();
    const run = await api.request("lamin/activeRun", { notebookUri: uriOf(nb) });
    return run && (!status || run.status === status) ? run : undefined;
  });
}

/** Waits until the server is connected to a database of that kind (after a start or a switch). */
function connectedTo(api: LaminExtensionApi, kind: "postgres" | "pglite", timeoutMs = 90000) {
  return waitFor(
    `the server connected to ${kind}`,
    async () => {
      const s = await api.request("lamin/status", {});
      return s.connected && s.kind === kind ? s : undefined;
    },
    timeoutMs,
  );
}

/** The runs of a notebook's only transform, oldest first. */
async function runsOfNotebook(api: LaminExtensionApi, key: string): Promise<RunSummary[]> {
  const transforms = await api.request("lamin/transforms", { offset: 0, limit: 10, key });
  assert.equal(transforms.items.length, 1, `one transform for ${key}`);
  const runs = await api.request("lamin/runs", { offset: 0, limit: 10, transformId: transforms.items[0].id });
  assert.equal(runs.items.length, runs.total);
  return [...runs.items].sort((a, b) => a.id - b.id);
}

function mainTests({ api, config, delivered }: Ctx): Array<[string, TestFn]> {
  const ws = config.workspace;
  return [
    [
      "activates, then starts the server and connects to the embedded database",
      async () => {
        // how long activate() takes is a figure for a benchmark, not a bound a loaded machine can hold
        assert.ok(api.activationMs >= 0, "activate() reports its duration");
        await waitFor("server running", () => api.server.state === "running", 60000);
        await connectedTo(api, "pglite", 60000);
        console.log(`LAMIN-METRIC activationMs=${api.activationMs.toFixed(2)}`);
      },
    ],
    ...kernelScenarios({ api, ws, delivered }),
    [
      "the status bar shows the active notebook's run",
      async () => {
        const nb = await openNotebook(ws, "notebooks/track.ipynb");
        const run = await activeRun(api, nb, "completed");
        const text = await waitFor("status bar text", async () => {
          await api.statusBar.refresh();
          const t = api.statusBar.text;
          return t && t.includes(run.uid.slice(0, 8)) && t.includes("completed") ? t : undefined;
        });
        assert.equal(api.statusBar.run?.uid, run.uid);
        console.log(`status bar: ${text}`);
      },
    ],
    [
      "durable queue across a stopped language server: events wait on disk, every run arrives when it is back",
      async () => {
        await api.server.stop();
        const nb = await openNotebook(ws, "notebooks/queue.ipynb");
        const kernel = await pythonKernel();
        await execute(nb);
        await queuedExecutions(api, nb, 1);
        await kernel.restart(nb);
        await execute(nb);
        await queuedExecutions(api, nb, 2);
        // how many cell events an execution yields depends on how VS Code batches summary changes:
        // what must wait on disk is each run's cells, the restart between them and both ends
        const types = (await queuedEvents(api))
          .filter((e) => ("notebook" in e ? e.notebook.uri : e.notebookUri) === uriOf(nb))
          .map((e) => e.type);
        const restart = types.indexOf("kernelRestarted");
        assert.ok(restart > 0, `the restart is queued: ${types.join(", ")}`);
        assert.ok(
          types.slice(0, restart).includes("cellFinished"),
          `the first run's cells: ${types.join(", ")}`,
        );
        assert.ok(
          types.slice(restart).includes("cellFinished"),
          `the second run's cells: ${types.join(", ")}`,
        );
        assert.ok(api.tracking.pending >= types.length, `${api.tracking.pending} events pending`);
        assert.equal(await api.server.start(), true);
        await waitFor(
          "queue drained",
          async () => {
            await api.tracking.flush();
            return api.tracking.pending === 0;
          },
          30000,
        );
        const runs = await runsOfNotebook(api, "notebooks/queue.ipynb");
        assert.deepEqual(
          runs.map((r) => r.status),
          ["completed", "completed"],
          "both runs arrived",
        );
      },
    ],
    [
      "durable queue across a stopped PostgreSQL: runs wait on disk, then every run arrives",
      async () => {
        const pg = config.postgres;
        assert.ok(pg, "the harness started a PostgreSQL cluster for this test");
        const settings = vscode.workspace.getConfiguration("lamindb");
        let paused = false;
        // as a user would: the URL in settings (no password: the cluster trusts local connections)
        await settings.update("postgres.url", pg.url, vscode.ConfigurationTarget.Global);
        try {
          await connectedTo(api, "postgres");
          const nb = await openNotebook(ws, "notebooks/outage.ipynb");
          const kernel = await pythonKernel();
          await api.tracking.flush();
          const before = api.tracking.pending;
          await command(pg.pause);
          paused = true;
          await execute(nb); // the second cell fails: an errored run
          await waitFor("the first run's events queued", () => api.tracking.pending >= before + 5);
          await kernel.restart(nb);
          await execute(nb, 0, 1); // a new kernel: a second run, completed
          await waitFor("the second run's events queued", () => api.tracking.pending >= before + 9);
          const lines = await queuedLines(api);
          assert.ok(lines >= before + 9, `the queue file holds ${lines} events`);
          assert.match(api.tracking.unavailable ?? "", /reach|connect|ECONNREFUSED/i);
          const text = await waitFor("the status bar says events are queued", async () => {
            await api.statusBar.refresh();
            const t = api.statusBar.text ?? "";
            return /\$\(cloud-upload\)/.test(t) && t.includes(String(api.tracking.pending)) ? t : undefined;
          });
          console.log(`LAMIN-INFO status bar while the database is down: ${text}`);

          await command(pg.resume);
          paused = false;
          // the server notices by itself and the extension replays then (no flush() needed)
          await waitFor("the queue drained", () => api.tracking.pending === 0, 60000);
          await api.tracking.flush(); // the acknowledged offset and the drained log's removal, on disk
          assert.equal(await queuedLines(api), 0, "no event waits in the queue's files");
          assert.equal(api.tracking.unavailable, undefined);
          const runs = await runsOfNotebook(api, "notebooks/outage.ipynb");
          assert.deepEqual(
            runs.map((r) => r.status),
            ["errored", "completed"],
            "both runs arrived, in order",
          );
          const [first, second] = runs;
          assert.ok(first.finished_at && second.finished_at);
          assert.ok(Date.parse(second.started_at) >= Date.parse(first.finished_at));
        } finally {
          if (paused) await command(pg.resume);
          await settings.update("postgres.url", undefined, vscode.ConfigurationTarget.Global);
          await connectedTo(api, "pglite");
        }
      },
    ],
    [
      "a registry completion appears in a notebook cell",
      async () => {
        const nb = await openNotebook(ws, "notebooks/complete.ipynb");
        const cell = nb.cellAt(0).document;
        const end = cell.lineAt(cell.lineCount - 1).range.end;
        const labels = await waitFor(
          "registry completions",
          async () => {
            const list = await vscode.commands.executeCommand<vscode.CompletionList>(
              "vscode.executeCompletionItemProvider",
              cell.uri,
              end,
              '"',
            );
            const got = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
            return config.seededLabels.every((l) => got.includes(l)) ? got : undefined;
          },
          30000,
        );
        assert.ok(labels.length >= config.seededLabels.length);
      },
    ],
    watchdogScenario(api, ws, delivered, config.seededLabels),
  ];
}

function untrustedTests({ api, config }: Ctx): Array<[string, TestFn]> {
  return [
    [
      "an untrusted workspace: tracking is off and nothing is written",
      async () => {
        assert.equal(vscode.workspace.isTrusted, false);
        assert.equal(api.tracking.enabled, false);
        await waitFor("server running", () => api.server.state === "running", 60000);
        const nb = await openNotebook(config.workspace, "notebooks/untrusted.ipynb", "test");
        const kernel = await testKernel();
        await kernel.execute(nb, nb.getCells());
        await waitFor("the cell ran", () => nb.cellAt(0).executionSummary?.success, 10000);
        await sleep(1500);
        assert.equal(api.tracking.pending, 0);
        assert.equal(api.tracking.queueDir, undefined, "no queue was opened");
        const runs = await api.request("lamin/runs", { offset: 0, limit: 5 }).catch(() => ({ total: 0 }));
        assert.equal(runs.total, 0);
        const active = await api.request("lamin/activeRun", { notebookUri: uriOf(nb) }).catch(() => null);
        assert.equal(active, null);
        assert.ok(!existsSync(join(config.workspace, ".lamindb")), "nothing in the workspace");
      },
    ],
  ];
}
