// Tracking on the real kernel (ipykernel behind jupyter-server, driven by the companion extension as the
// Jupyter extension drives it): every scenario of ../shared/reference/jupyter-execution.md, each checked
// against what the cells themselves report (their execution order and timing) and what the run stores:
// status, started_at/finished_at, params, the cells recorded on it, the environment from the kernel.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import type { LaminExtensionApi } from "../../../extension/api";
import type { RunSummary, TrackEvent } from "../../../server/protocol";
import { sleep, waitFor, type TestFn } from "./harness";
import { editCell, execute, openNotebook, openNotebookInEditor, pythonKernel, testKernel } from "./notebooks";
import type { CellRecord } from "../../../server/tracking/run-state";

/** What the run holds besides its summary, read back through the server (a query cell's evaluation). */
interface StoredRun {
  status: string;
  started_at: string;
  finished_at: string | null;
  params: Record<string, unknown> | null;
  environment?: Record<string, unknown>;
  cells: CellRecord[];
}

export interface ScenarioCtx {
  api: LaminExtensionApi;
  ws: string;
  delivered: TrackEvent[];
}

const uriOf = (nb: vscode.NotebookDocument) => nb.uri.toString();
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const timingOf = (nb: vscode.NotebookDocument, i: number) => nb.cellAt(i).executionSummary?.timing;

/** The interpreter the kernelspec names (never `python3` from PATH): the version the kernel reports. */
function kernelPythonVersion(): string {
  return execFileSync("/usr/bin/python3", ["-c", "import platform; print(platform.python_version())"], {
    encoding: "utf8",
  }).trim();
}

export async function storedRun(api: LaminExtensionApi, uid: string): Promise<StoredRun> {
  const code =
    `const r = await ln.Run.get({ uid: ${JSON.stringify(uid)} });\n` +
    `({ status: r.status, started_at: r.started_at, finished_at: r.finished_at, params: r.params,\n` +
    `   environment: r.extra_data?.environment, cells: r._aux?.lamin_vscode?.cells ?? [] })`;
  const out = await api.request("lamin/evaluate", { code, language: "javascript" });
  if (out.error) throw new Error(`reading run ${uid}: ${out.error.name}: ${out.error.message}`);
  const json = out.outputs.flatMap((o) => o.items).find((i) => i.mime === "application/json");
  assert.ok(json, "the run as JSON");
  const run = json.data as unknown as StoredRun;
  return {
    ...run,
    started_at: new Date(run.started_at).toISOString(),
    finished_at: run.finished_at === null ? null : new Date(run.finished_at).toISOString(),
  };
}

async function activeRun(
  api: LaminExtensionApi,
  nb: vscode.NotebookDocument,
  accept: (r: RunSummary) => boolean,
  what: string,
  timeoutMs = 30000,
): Promise<RunSummary> {
  return waitFor(
    `${what} of ${nb.uri.path.split("/").pop()}`,
    async () => {
      await api.tracking.flush();
      const run = await api.request("lamin/activeRun", { notebookUri: uriOf(nb) });
      return run && accept(run) ? run : undefined;
    },
    timeoutMs,
  );
}

const withStatus = (status: RunSummary["status"]) => (r: RunSummary) => r.status === status;

/** Waits until cell `i` runs in the kernel (its execution order shows, no end yet). */
function running(nb: vscode.NotebookDocument, i: number): Promise<number> {
  return waitFor(
    `cell ${i} running`,
    () => {
      const s = nb.cellAt(i).executionSummary;
      return s?.executionOrder !== undefined && s.timing === undefined && s.success === undefined
        ? s.executionOrder
        : undefined;
    },
    60000,
  );
}

/** Waits until the tracker delivered an event for the notebook that `accept` likes. */
function deliveredEvent(ctx: ScenarioCtx, nb: vscode.NotebookDocument, accept: (e: TrackEvent) => boolean) {
  return waitFor(
    "a tracking event",
    () =>
      ctx.delivered.find(
        (e) => ("notebook" in e ? e.notebook.uri : e.notebookUri) === uriOf(nb) && accept(e),
      ),
    30000,
  );
}

function errorText(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => i.mime === "application/vnd.code.notebook.error")
    .map((i) => Buffer.from(i.data).toString("utf8"))
    .join("\n");
}

const restartCommand = (nb: vscode.NotebookDocument) =>
  vscode.commands.executeCommand("lamindbDev.jupyter.restartKernel", {
    notebookEditor: { notebookUri: nb.uri },
  });

export function kernelScenarios(ctx: ScenarioCtx): Array<[string, TestFn]> {
  const { api, ws } = ctx;
  return [
    [
      "real kernel, first execution while the kernel starts: the first cell is order 1, the run completes",
      async () => {
        const nb = await openNotebook(ws, "notebooks/first.ipynb"); // selecting it starts the kernel
        await execute(nb); // at once, while it starts
        const run = await activeRun(api, nb, withStatus("completed"), "a completed run", 90000);
        assert.equal(nb.cellAt(0).executionSummary?.executionOrder, 1);
        const t = timingOf(nb, 0)!;
        const stored = await storedRun(api, run.uid);
        assert.equal(stored.started_at, iso(t.startTime));
        assert.equal(stored.finished_at, iso(t.endTime));
        assert.deepEqual(
          stored.cells.map((c) => [c.index, c.executionOrder, c.success]),
          [[0, 1, true]],
        );
      },
    ],
    [
      "real kernel, normal run: completed, timing from the cells, params, cells, environment from language_info",
      async () => {
        const nb = await openNotebook(ws, "notebooks/track.ipynb");
        await execute(nb);
        const run = await activeRun(api, nb, withStatus("completed"), "a completed run");
        assert.equal(run.transform.key, "notebooks/track.ipynb");
        assert.equal(run.transform.kind, "notebook");
        const code = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
        assert.deepEqual(
          code.map((c) => [c.executionSummary?.executionOrder, c.executionSummary?.success]),
          [
            [1, true],
            [2, true],
            [3, true],
          ],
        );
        const first = code[0].executionSummary!.timing!;
        const last = code[2].executionSummary!.timing!;
        const stored = await storedRun(api, run.uid);
        assert.equal(stored.status, "completed");
        assert.equal(stored.started_at, iso(first.startTime), "started_at is the first cell's start");
        assert.equal(stored.finished_at, iso(last.endTime), "finished_at is the last cell's end");
        assert.ok(last.endTime - first.startTime >= 300, "the sleeping cell's time is inside the run");
        assert.deepEqual(stored.params, { alpha: 0.5, label: "pbmc", genes: ["CD3E", "CD19"] });
        assert.deepEqual(
          stored.cells.map((c) => [c.index, c.executionOrder, c.startTime, c.endTime, c.success]),
          code.map((c) => [
            c.index,
            c.executionSummary?.executionOrder,
            c.executionSummary?.timing?.startTime,
            c.executionSummary?.timing?.endTime,
            true,
          ]),
        );
        // the notebook says 3.12.4; the kernel wrote its own language_info into the metadata
        assert.deepEqual(stored.environment, {
          id: "python3",
          name: "Python 3 (ipykernel)",
          language: "python",
          version: kernelPythonVersion(),
        });
        const md = (nb.metadata.metadata ?? {}) as { language_info?: { version?: string } };
        assert.equal(md.language_info?.version, kernelPythonVersion());
        // the real MIME bundle of the last cell: execute_result as text/plain
        const out = code[2].outputs.flatMap((o) => o.items).find((i) => i.mime === "text/plain");
        assert.equal(Buffer.from(out!.data).toString(), "1.0");
      },
    ],
    [
      "real kernel, exception: errored at the failing cell's end; Run All stops there",
      async () => {
        const nb = await openNotebook(ws, "notebooks/fail.ipynb");
        await execute(nb);
        const run = await activeRun(api, nb, withStatus("errored"), "an errored run");
        const failing = nb.cellAt(1);
        assert.equal(failing.executionSummary?.success, false);
        assert.match(errorText(failing), /ValueError/);
        assert.match(errorText(failing), /boom/);
        assert.equal(nb.cellAt(2).executionSummary?.executionOrder, undefined, "the cell after it never ran");
        const stored = await storedRun(api, run.uid);
        assert.equal(stored.started_at, iso(timingOf(nb, 0)!.startTime));
        assert.equal(stored.finished_at, iso(timingOf(nb, 1)!.endTime));
        assert.deepEqual(
          stored.cells.map((c) => [c.index, c.success]),
          [
            [0, true],
            [1, false],
          ],
        );
      },
    ],
    [
      "real kernel, Run All with queued cells: one completed run, every cell in order, no early completion",
      async () => {
        const nb = await openNotebook(ws, "notebooks/queued.ipynb");
        await execute(nb);
        const run = await activeRun(api, nb, withStatus("completed"), "a completed run");
        const stored = await storedRun(api, run.uid);
        assert.deepEqual(
          stored.cells.map((c) => [c.index, c.executionOrder, c.success]),
          nb.getCells().map((c) => [c.index, c.executionSummary?.executionOrder, true]),
        );
        const orders = stored.cells.map((c) => c.executionOrder!);
        assert.deepEqual(
          orders,
          [...orders].sort((a, b) => a - b),
          "in execution order",
        );
        assert.equal(stored.finished_at, iso(timingOf(nb, 3)!.endTime));
        // the queue drained once: a single executionIdle, after the last cell's end
        const events = ctx.delivered.filter(
          (e) => ("notebook" in e ? e.notebook.uri : e.notebookUri) === uriOf(nb),
        );
        const types = events.map((e) => e.type);
        assert.equal(types.filter((t) => t === "executionIdle").length, 1, types.join(", "));
        assert.equal(types.at(-1), "executionIdle", types.join(", "));
        const stdout = nb
          .cellAt(2)
          .outputs.flatMap((o) => o.items)
          .find((i) => i.mime.endsWith(".stdout"));
        assert.equal(Buffer.from(stdout!.data).toString(), "three\n");
      },
    ],
    [
      "real kernel, empty, whitespace, comment-only and raw cells: only the ones sent to the kernel are recorded",
      async () => {
        const nb = await openNotebook(ws, "notebooks/empty.ipynb");
        assert.equal(nb.cellAt(4).document.languageId, "raw");
        await execute(nb);
        const run = await activeRun(api, nb, withStatus("completed"), "a completed run");
        const orders = nb.getCells().map((c) => c.executionSummary?.executionOrder);
        assert.deepEqual(orders, [1, undefined, 2, undefined, undefined]);
        const stored = await storedRun(api, run.uid);
        assert.deepEqual(
          stored.cells.map((c) => [c.index, c.executionOrder]),
          [
            [0, 1],
            [2, 2],
          ],
        );
        assert.equal(stored.finished_at, iso(timingOf(nb, 2)!.endTime));
      },
    ],
    [
      "real kernel, interrupt: the running cell fails with KeyboardInterrupt, the run is errored, the rest never runs",
      async () => {
        const nb = await openNotebook(ws, "notebooks/interrupt.ipynb");
        void execute(nb);
        await running(nb, 0);
        await activeRun(api, nb, withStatus("started"), "a started run");
        await vscode.commands.executeCommand("notebook.interruptExecution"); // the toolbar's interrupt
        const run = await activeRun(api, nb, withStatus("errored"), "an errored run");
        assert.equal(nb.cellAt(0).executionSummary?.success, false);
        assert.match(errorText(nb.cellAt(0)), /KeyboardInterrupt/);
        assert.equal(nb.cellAt(1).executionSummary?.executionOrder, undefined);
        const stored = await storedRun(api, run.uid);
        assert.equal(stored.started_at, iso(timingOf(nb, 0)!.startTime));
        assert.equal(stored.finished_at, iso(timingOf(nb, 0)!.endTime));
      },
    ],
    [
      "real kernel, restart mid-cell: the run is aborted at the restart; the next execution is a new run",
      async () => {
        const nb = await openNotebook(ws, "notebooks/restart.ipynb");
        void execute(nb);
        await running(nb, 1);
        const first = await activeRun(api, nb, withStatus("started"), "a started run");
        const before = Date.now();
        await restartCommand(nb);
        const aborted = await waitFor("the run aborted", async () => {
          const r = await api.request("lamin/run", { uid: first.uid });
          return r?.status === "aborted" ? r : undefined;
        });
        const after = Date.now();
        // the cut cell still shows its order, no end: only the kernel's status told the restart
        assert.equal(nb.cellAt(1).executionSummary?.timing, undefined);
        assert.ok(aborted.finished_at);
        const finished = Date.parse(aborted.finished_at);
        assert.ok(finished >= before - 5 && finished <= after + 5, "finished_at is the restart's time");
        const stored = await storedRun(api, first.uid);
        assert.equal(stored.started_at, iso(timingOf(nb, 0)!.startTime));
        await execute(nb, 0, 1);
        const second = await activeRun(
          api,
          nb,
          (r) => r.uid !== first.uid && r.status === "completed",
          "a new run",
        );
        assert.equal(nb.cellAt(0).executionSummary?.executionOrder, 1, "the new kernel counts from 1");
        assert.equal(second.transform.uid, first.transform.uid, "same source: same transform");
        assert.equal((await api.request("lamin/run", { uid: first.uid }))?.status, "aborted");
        const stored2 = await storedRun(api, second.uid);
        const events = ctx.delivered
          .filter((e) => ("notebook" in e ? e.notebook.uri : e.notebookUri) === uriOf(nb))
          .map((e) => `${e.type}${"cell" in e ? JSON.stringify(e.cell) : ""}@${e.at}`);
        assert.equal(
          stored2.started_at,
          iso(timingOf(nb, 0)!.startTime),
          `cells ${JSON.stringify(stored2.cells)}; summary ${JSON.stringify(nb.cellAt(0).executionSummary)}; events ${events.join(" ")}`,
        );
      },
    ],
    [
      "real kernel, kernel death (SIGKILL): the run is aborted; jupyter-server restarts the kernel and a new run follows",
      async () => {
        const nb = await openNotebook(ws, "notebooks/death.ipynb");
        const kernel = await pythonKernel();
        const pid = await kernel.kernelPid(nb);
        void execute(nb);
        await running(nb, 1);
        const first = await activeRun(api, nb, withStatus("started"), "a started run");
        process.kill(pid, "SIGKILL");
        const aborted = await waitFor(
          "the run aborted",
          async () => {
            const r = await api.request("lamin/run", { uid: first.uid });
            return r?.status === "aborted" ? r : undefined;
          },
          60000,
        );
        await waitFor("the dying cell's error", () => /kernel/i.test(errorText(nb.cellAt(1))), 30000);
        assert.equal(nb.cellAt(1).executionSummary?.success, false);
        assert.equal(nb.cellAt(2).executionSummary?.executionOrder, undefined, "the rest was cancelled");
        assert.ok(Date.parse(aborted.finished_at!) >= Date.parse(aborted.started_at));
        await sleep(500); // the crash message and the failed request must not reopen or start a run
        assert.equal((await api.request("lamin/run", { uid: first.uid }))?.status, "aborted");
        await execute(nb, 0, 1);
        const second = await activeRun(
          api,
          nb,
          (r) => r.uid !== first.uid && r.status === "completed",
          "a new run",
          90000,
        );
        assert.notEqual(await kernel.kernelPid(nb), pid, "a new kernel process");
        assert.equal(second.transform.uid, first.transform.uid);
      },
    ],
    [
      "real kernel, a notebook closed while a cell runs: aborted, finished_at set",
      async () => {
        const nb = await openNotebookInEditor(ws, "notebooks/close.ipynb");
        const uri = uriOf(nb);
        void execute(nb);
        await running(nb, 1);
        const run = await activeRun(api, nb, withStatus("started"), "a started run");
        assert.equal(vscode.window.activeNotebookEditor?.notebook, nb);
        // its outputs and metadata made it dirty: revert, so closing asks nothing
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
        await waitFor(
          "the notebook closed",
          () => ctx.delivered.some((e) => e.type === "notebookClosed" && e.notebookUri === uri),
          60000,
        );
        const closed = await api.request("lamin/run", { uid: run.uid });
        assert.equal(closed?.status, "aborted");
        assert.ok(closed?.finished_at && Date.parse(closed.finished_at) >= Date.parse(run.started_at));
      },
    ],
    [
      "real kernel, an unchanged notebook reuses its transform, an edited one gets a new version (suffix 0001)",
      async () => {
        const nb = await openNotebook(ws, "notebooks/version.ipynb");
        await execute(nb);
        const r1 = await activeRun(api, nb, withStatus("completed"), "a completed run");
        await restartCommand(nb);
        await deliveredEvent(ctx, nb, (e) => e.type === "kernelRestarted");
        await execute(nb);
        const r2 = await activeRun(
          api,
          nb,
          (r) => r.uid !== r1.uid && r.status === "completed",
          "a second run",
        );
        assert.equal(r2.transform.uid, r1.transform.uid);
        await editCell(nb, 0, "a = 10");
        await execute(nb);
        const r3 = await activeRun(
          api,
          nb,
          (r) => r.uid !== r2.uid && r.status === "completed",
          "a run of the edit",
        );
        assert.equal(r3.transform.uid.slice(0, 12), r1.transform.uid.slice(0, 12), "same stem");
        assert.equal(r3.transform.uid.slice(12), "0001");
        assert.equal((await api.request("lamin/run", { uid: r2.uid }))?.status, "completed");
      },
    ],
    [
      "stand-in kernel without a kernel API: a restart mid-cell is seen at the next execution (order back to 1)",
      async () => {
        const nb = await openNotebook(ws, "notebooks/standin.ipynb", "test");
        const kernel = await testKernel();
        const done = execute(nb); // the second cell hangs until the restart
        await running(nb, 1);
        const first = await activeRun(api, nb, withStatus("started"), "a started run");
        kernel.restart(nb);
        await done;
        await sleep(500); // nothing tells the restart yet: the run stays open
        assert.equal((await api.request("lamin/run", { uid: first.uid }))?.status, "started");
        await execute(nb, 0, 1);
        const second = await activeRun(
          api,
          nb,
          (r) => r.uid !== first.uid && r.status === "completed",
          "a new run",
        );
        assert.equal((await api.request("lamin/run", { uid: first.uid }))?.status, "aborted");
        assert.equal(second.transform.uid, first.transform.uid);
      },
    ],
  ];
}
