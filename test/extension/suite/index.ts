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
import { editCell, execute, openNotebook, openNotebookInEditor, testKernel } from "./notebooks";

interface SuiteConfig {
  mode: "main" | "untrusted";
  workspace: string;
  resultsFile: string;
  seededLabels: string[];
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
  const tests =
    config.mode === "main"
      ? [...mainTests(ctx), ...inspectTests(api, config.workspace)]
      : untrustedTests(ctx);
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

async function runByUid(api: LaminExtensionApi, uid: string): Promise<RunSummary> {
  const run = await api.request("lamin/run", { uid });
  assert.ok(run, `run ${uid} exists`);
  return run;
}

function mainTests({ api, config, delivered }: Ctx): Array<[string, TestFn]> {
  const ws = config.workspace;
  return [
    [
      "activates in <= 50 ms and starts the server after activate() returned",
      async () => {
        assert.ok(api.activationMs <= 50, `activate() took ${api.activationMs.toFixed(1)} ms`);
        await waitFor("server running", () => api.server.state === "running", 60000);
        await connectedTo(api, "pglite", 60000);
        console.log(`LAMIN-METRIC activationMs=${api.activationMs.toFixed(2)}`);
      },
    ],
    [
      "a notebook executed by another controller becomes a completed run with the cells' timing and params",
      async () => {
        const nb = await openNotebook(ws, "notebooks/track.ipynb");
        await execute(nb);
        const run = await activeRun(api, nb, "completed");
        assert.equal(run.transform.key, "notebooks/track.ipynb");
        assert.equal(run.transform.kind, "notebook");
        assert.match(run.transform.uid, /^[0-9A-Za-z]{12}0000$/);
        const cells = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
        const first = cells[0].executionSummary?.timing;
        const last = cells[cells.length - 1].executionSummary?.timing;
        assert.ok(first && last, "cells carry timing");
        // VS Code reports a cell's start time only with its end: that exact time becomes started_at
        assert.equal(
          run.started_at,
          new Date(first.startTime).toISOString(),
          "started_at is the first cell's start",
        );
        assert.equal(Date.parse(run.finished_at ?? ""), last.endTime, "finished_at is the last cell's end");
        const d = await api.request("lamin/describe", { registry: "Run", uid: run.uid });
        assert.deepEqual(d.params, { alpha: 0.5, label: "pbmc", genes: ["CD3E", "CD19"] });
      },
    ],
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
      "a failing cell ends the run as errored",
      async () => {
        const nb = await openNotebook(ws, "notebooks/fail.ipynb");
        await execute(nb);
        const run = await activeRun(api, nb, "errored");
        assert.ok(run.finished_at);
      },
    ],
    [
      "a kernel restart mid-execution aborts the run; the next execution starts a new one",
      async () => {
        const nb = await openNotebook(ws, "notebooks/restart.ipynb");
        const kernel = await testKernel();
        const done = execute(nb); // the second cell hangs until the restart
        await waitFor("the hanging cell started", () =>
          delivered.some(
            (e) =>
              e.type === "cellStarted" && e.notebook.key === "notebooks/restart.ipynb" && e.cell.index === 1,
          ),
        );
        const first = await activeRun(api, nb, "started");
        kernel.restart(nb);
        await done;
        await sleep(500); // the cancelled cell's end settles; the run must stay open
        assert.equal((await runByUid(api, first.uid)).status, "started");
        await execute(nb, 0, 1);
        const second = await activeRun(api, nb, "completed");
        assert.notEqual(second.uid, first.uid);
        assert.equal((await runByUid(api, first.uid)).status, "aborted");
        assert.equal(second.transform.uid, first.transform.uid, "same source: same transform");
      },
    ],
    [
      "a notebook closed while a cell runs ends its run as aborted",
      async () => {
        const nb = await openNotebookInEditor(ws, "notebooks/close.ipynb");
        const uri = uriOf(nb);
        void execute(nb); // the second cell hangs: it never ends by itself
        await waitFor("the hanging cell started", () =>
          delivered.some(
            (e) =>
              e.type === "cellStarted" && e.notebook.key === "notebooks/close.ipynb" && e.cell.index === 1,
          ),
        );
        const running = await activeRun(api, nb, "started");
        assert.equal(vscode.window.activeNotebookEditor?.notebook, nb);
        // its outputs made it dirty: revert, so closing asks nothing
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
        await waitFor(
          "the notebook closed",
          () => delivered.some((e) => e.type === "notebookClosed" && e.notebookUri === uri),
          60000,
        );
        const closed = await runByUid(api, running.uid);
        assert.equal(closed.status, "aborted");
        assert.ok(closed.finished_at, "finished_at is set");
        assert.ok(Date.parse(closed.finished_at) >= Date.parse(running.started_at));
      },
    ],
    [
      "an unchanged notebook reuses its transform, an edited one gets a new version (suffix 0001)",
      async () => {
        const nb = await openNotebook(ws, "notebooks/version.ipynb");
        const kernel = await testKernel();
        await execute(nb);
        const r1 = await activeRun(api, nb, "completed");
        kernel.restart(nb);
        await execute(nb);
        const r2 = await waitFor("a second run", async () => {
          const r = await activeRun(api, nb, "completed");
          return r.uid !== r1.uid ? r : undefined;
        });
        assert.equal(r2.transform.uid, r1.transform.uid);
        await editCell(nb, 0, "a = 10");
        await execute(nb);
        const r3 = await waitFor("a run of the edited notebook", async () => {
          const r = await activeRun(api, nb, "completed");
          return r.uid !== r2.uid ? r : undefined;
        });
        assert.equal(r3.transform.uid.slice(0, 12), r1.transform.uid.slice(0, 12), "same stem");
        assert.equal(r3.transform.uid.slice(12), "0001");
      },
    ],
    [
      "durable queue across a stopped language server: events wait on disk, every run arrives when it is back",
      async () => {
        await api.server.stop();
        const nb = await openNotebook(ws, "notebooks/queue.ipynb");
        const kernel = await testKernel();
        await execute(nb);
        await queuedExecutions(api, nb, 1);
        kernel.restart(nb);
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
          const kernel = await testKernel();
          await api.tracking.flush();
          const before = api.tracking.pending;
          await command(pg.pause);
          paused = true;
          await execute(nb); // the second cell fails: an errored run
          await waitFor("the first run's events queued", () => api.tracking.pending >= before + 5);
          kernel.restart(nb);
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
        const nb = await openNotebook(config.workspace, "notebooks/untrusted.ipynb");
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
