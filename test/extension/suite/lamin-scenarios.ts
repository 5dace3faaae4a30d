// Notebooks that call ln.track() on the real kernel: LaminDB's side is the stand-in module
// test/fixtures/python/lamindb (imported by the notebooks' own cells, writing through psycopg2), the
// extension's side the real extension, connected to the same PostgreSQL database. What the database holds
// is read here with SQL of the test's own (pg), not through the extension's server.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import pg from "pg";
import type { LaminExtensionApi } from "../../../extension/api";
import type { RunSummary } from "../../../server/protocol";
import { STEM_12, UID_16 } from "../e2e/lamin-notebooks";
import { waitFor, type TestFn } from "./harness";
import { editCell, execute, openNotebook } from "./notebooks";

export interface LaminCtx {
  api: LaminExtensionApi;
  ws: string;
  url: string;
}

interface AuxCell {
  index: number;
  executionOrder?: number;
  success?: boolean;
}

interface RunRow {
  id: string; // bigint
  uid: string;
  transform_id: number;
  _status_code: number;
  started_at: Date;
  finished_at: Date | null;
  initiated_by_run_id: string | null; // bigint: pg gives a string
  _aux: { lamin_vscode?: { adopted?: boolean; cells: AuxCell[] } } | null;
}

interface TransformRow {
  id: number;
  uid: string;
  key: string;
  source_code: string | null;
  hash: string | null;
  is_latest: boolean;
}

const STARTED = -1;
const RESTARTED = -2;
const COMPLETED = 0;
const ABORTED = 2;

const uriOf = (nb: vscode.NotebookDocument) => nb.uri.toString();
/** How many recorded cells have ended (a cell's start is recorded before its end). */
const endedCells = (r: RunRow) =>
  (r._aux?.lamin_vscode?.cells ?? []).filter((c) => c.success !== undefined).length;
const cellsOf = (r: RunRow) => (r._aux?.lamin_vscode?.cells ?? []).map((c) => [c.index, c.executionOrder]);

function stdout(cell: vscode.NotebookCell): string {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((i) => i.mime.endsWith(".stdout"))
    .map((i) => Buffer.from(i.data).toString("utf8"))
    .join("");
}

/** The run the track() cell's printed line names (what LaminDB prints, read off the notebook). */
function printedRun(cell: vscode.NotebookCell): { verb: string; transform: string; run: string } {
  const text = stdout(cell);
  const m =
    /→ (created|loaded) Transform\('(\w+)', key='[^']*'\), (started new|re-started) Run\('(\w+)'\)/.exec(
      text,
    );
  assert.ok(m, `the track() line in the cell's output: ${JSON.stringify(text)}`);
  return { verb: m[3], transform: m[2], run: m[4] };
}

export function laminScenarios(ctx: LaminCtx): Array<[string, TestFn]> {
  const { api, ws } = ctx;
  const db = new pg.Client({ connectionString: ctx.url });
  let connected: Promise<unknown> | undefined;
  async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
    connected ??= db.connect();
    await connected;
    return (await db.query(text, values)).rows as T[];
  }
  const runByUid = async (uid: string) =>
    (await rows<RunRow>("SELECT * FROM lamindb_run WHERE uid = $1", [uid]))[0];
  const transformsWithKey = (key: string) =>
    rows<TransformRow>("SELECT * FROM lamindb_transform WHERE key = $1 ORDER BY id", [key]);
  const runsOf = (transformId: number) =>
    rows<RunRow>("SELECT * FROM lamindb_run WHERE transform_id = $1 ORDER BY id", [transformId]);

  /** Waits until the run's stored row satisfies `accept` (events delivered first). */
  function stored(uid: string, what: string, accept: (r: RunRow) => boolean, timeoutMs = 60000) {
    return waitFor(
      `${what} (run ${uid})`,
      async () => {
        await api.tracking.flush();
        const r = await runByUid(uid);
        return r && accept(r) ? r : undefined;
      },
      timeoutMs,
    );
  }

  /** Waits until the cell's execution ended (success or failure). */
  function ended(nb: vscode.NotebookCell | undefined, what: string): Promise<boolean> {
    return waitFor(
      what,
      () => {
        const s = nb?.executionSummary;
        return s?.success !== undefined && s.timing !== undefined ? true : undefined;
      },
      90000,
    );
  }

  function activeRun(nb: vscode.NotebookDocument, accept: (r: RunSummary) => boolean, what: string) {
    return waitFor(`${what} of ${nb.uri.path.split("/").pop()}`, async () => {
      await api.tracking.flush();
      const run = await api.request("lamin/activeRun", { notebookUri: uriOf(nb) });
      return run && accept(run) ? run : undefined;
    });
  }

  /** No transform under the extension's own key convention (workspace-relative) for that notebook. */
  async function noOwnTransform(name: string): Promise<void> {
    assert.deepEqual(
      (await transformsWithKey(`notebooks/${name}`)).map((t) => t.uid),
      [],
      "the extension made no Transform of its own",
    );
  }

  return [
    [
      "ln.track(): connected to the test database (LaminDB's instance), autosave off",
      async () => {
        await waitFor("server running", () => api.server.state === "running", 60000);
        // as a user of a shared instance would: the URL in settings (no password: the cluster trusts local)
        await vscode.workspace
          .getConfiguration("lamindb")
          .update("postgres.url", ctx.url, vscode.ConfigurationTarget.Global);
        // no autosave: only the extension's own save before ln.finish() can put the edits on disk
        await vscode.workspace
          .getConfiguration("files")
          .update("autoSave", "off", vscode.ConfigurationTarget.Global);
        await waitFor(
          "the server connected to postgres",
          async () => {
            const s = await api.request("lamin/status", {});
            return s.connected && s.kind === "postgres" ? s : undefined;
          },
          90000,
        );
      },
    ],
    [
      "ln.track(): one run, LaminDB's, with every cell under _aux.lamin_vscode; no Transform or Run of the extension",
      async () => {
        const nb = await openNotebook(ws, "notebooks/ln-track.ipynb");
        await execute(nb);
        await ended(nb.cellAt(2), "the last cell ended");
        const printed = printedRun(nb.cellAt(0));
        assert.equal(printed.verb, "started new");
        const run = await stored(printed.run, "all three cells recorded, ended", (r) => endedCells(r) === 3);
        assert.deepEqual(cellsOf(run), [
          [0, 1],
          [1, 2],
          [2, 3],
        ]);
        assert.equal(run._aux?.lamin_vscode?.adopted, true);
        assert.ok(run._aux?.lamin_vscode?.cells.every((c) => c.success === true));
        assert.equal(run._status_code, STARTED, "the status stays LaminDB's (no completion at the idle)");
        assert.equal(run.finished_at, null);
        const [transform] = await transformsWithKey("ln-track.ipynb");
        assert.equal(transform.uid, printed.transform);
        assert.equal(transform.source_code, null, "the extension never writes source_code");
        assert.equal(transform.hash, null, "nor hash");
        assert.deepEqual(
          (await runsOf(transform.id)).map((r) => r.uid),
          [printed.run],
          "one run of LaminDB's transform",
        );
        await noOwnTransform("ln-track.ipynb");
        const active = await activeRun(nb, (r) => r.uid === printed.run, "LaminDB's run as the active run");
        assert.equal(active.trackedBy, "lamindb");
      },
    ],
    [
      "ln.finish(): the notebook is saved first; finish() reverts _aux and the extension writes it again; a re-run is a new version and run",
      async () => {
        const nb = await openNotebook(ws, "notebooks/ln-finish.ipynb");
        await execute(nb, 0, 2);
        await ended(nb.cellAt(1), "the cell after track() ended");
        const printed = printedRun(nb.cellAt(0));
        await stored(printed.run, "two cells recorded", (r) => cellsOf(r).length === 2);
        // an edit the saved file does not hold yet (autosave is off)
        await editCell(nb, 1, "x = 41");
        assert.equal(nb.isDirty, true, "an unsaved edit");
        await execute(nb, 2, 3);
        await ended(nb.cellAt(2), "the ln.finish() cell ended");
        assert.equal(nb.cellAt(2).executionSummary?.success, true);
        assert.match(stdout(nb.cellAt(2)), /finished Run/, "finish() did not have to wait for a save");
        const run = await stored(
          printed.run,
          "completed, with the finish() cell recorded again after its full-row save",
          (r) => r._status_code === COMPLETED && cellsOf(r).length === 3,
        );
        assert.deepEqual(cellsOf(run), [
          [0, 1],
          [1, 2],
          [2, 3],
        ]);
        assert.ok(run.finished_at);
        const [transform] = await transformsWithKey("ln-finish.ipynb");
        assert.match(transform.source_code ?? "", /x = 41/, "finish() read the saved edit");
        assert.match(readFileSync(nb.uri.fsPath, "utf8"), /x = 41/);

        // track() again after finish(): a new version of the transform and a new run, adopted in turn
        await execute(nb, 0, 1);
        await ended(nb.cellAt(0), "the second track() ended");
        const again = printedRun(nb.cellAt(0));
        assert.notEqual(again.run, printed.run);
        assert.equal(again.transform.slice(0, 12), transform.uid.slice(0, 12), "the same stem");
        assert.equal(again.transform.slice(12), "0001", "the next version");
        const second = await stored(again.run, "the new run adopted", (r) => cellsOf(r).length >= 1);
        assert.equal(second._status_code, STARTED);
        assert.equal(second._aux?.lamin_vscode?.adopted, true);
        const first = await runByUid(printed.run);
        assert.equal(first._status_code, COMPLETED, "the finished run stays completed");
        assert.equal(cellsOf(first).length, 3, "and keeps its cells");
        await noOwnTransform("ln-finish.ipynb");
      },
    ],
    [
      "cells run above ln.track(): tracked as today (the extension's run), and LaminDB's later run is linked to it",
      async () => {
        const nb = await openNotebook(ws, "notebooks/ln-above.ipynb");
        await execute(nb, 0, 1);
        const own = await activeRun(nb, (r) => r.status === "completed", "the extension's own run");
        assert.equal(own.transform.key, "notebooks/ln-above.ipynb");
        assert.equal(own.trackedBy, undefined);
        assert.deepEqual(cellsOf((await runByUid(own.uid))!), [[0, 1]]);
        await execute(nb, 1, 3);
        await ended(nb.cellAt(2), "the cells from track() on ended");
        const printed = printedRun(nb.cellAt(1));
        const run = await stored(
          printed.run,
          "LaminDB's run adopted and linked",
          (r) => cellsOf(r).length === 2 && r.initiated_by_run_id !== null,
        );
        assert.equal(Number(run.initiated_by_run_id), own.id, "initiated_by_run: the run of the cells above");
        assert.deepEqual(cellsOf(run), [
          [1, 2],
          [2, 3],
        ]);
        assert.deepEqual(cellsOf((await runByUid(own.uid))!), [[0, 1]], "nothing recorded twice");
      },
    ],
    [
      "a restart while LaminDB's run is started: aborted; track() in the new kernel re-starts the same run, adopted again",
      async () => {
        const nb = await openNotebook(ws, "notebooks/ln-restart.ipynb");
        await execute(nb);
        await ended(nb.cellAt(1), "the cells ended");
        const printed = printedRun(nb.cellAt(0));
        await stored(printed.run, "adopted", (r) => cellsOf(r).length === 2 && r._status_code === STARTED);
        await vscode.commands.executeCommand("lamindbDev.jupyter.restartKernel", {
          notebookEditor: { notebookUri: nb.uri },
        });
        const aborted = await stored(
          printed.run,
          "aborted at the restart",
          (r) => r._status_code === ABORTED,
        );
        assert.ok(aborted.finished_at);
        await execute(nb);
        await waitFor(
          "the new kernel's track() line",
          () => (/re-started Run/.test(stdout(nb.cellAt(0))) ? true : undefined),
          90000,
        );
        const again = printedRun(nb.cellAt(0));
        assert.equal(again.run, printed.run, "the same run re-started");
        const run = await stored(
          printed.run,
          "re-started, with both kernel sessions' cells",
          (r) => r._status_code === RESTARTED && cellsOf(r).length === 4,
        );
        assert.deepEqual(cellsOf(run), [
          [0, 1],
          [1, 2],
          [0, 1],
          [1, 2],
        ]);
        const [transform] = await transformsWithKey("ln-restart.ipynb");
        assert.equal((await runsOf(transform.id)).length, 1, "one run across both kernels");
        await noOwnTransform("ln-restart.ipynb");
      },
    ],
    [
      "ln.track() with a 12-character stem and with a 16-character uid: LaminDB's transform of that uid, adopted",
      async () => {
        for (const [name, expected] of [
          ["ln-stem.ipynb", `${STEM_12}0000`],
          ["ln-uid.ipynb", UID_16],
        ]) {
          const nb = await openNotebook(ws, `notebooks/${name}`);
          await execute(nb);
          await ended(nb.cellAt(1), `the cells of ${name} ended`);
          const printed = printedRun(nb.cellAt(0));
          assert.equal(printed.transform, expected);
          const run = await stored(printed.run, `${name} adopted`, (r) => cellsOf(r).length === 2);
          assert.equal(run._aux?.lamin_vscode?.adopted, true);
          const [transform] = await rows<TransformRow>("SELECT * FROM lamindb_transform WHERE id = $1", [
            run.transform_id,
          ]);
          assert.equal(transform.uid, expected);
          await noOwnTransform(name);
        }
      },
    ],
    [
      "a commented-out ln.track() does not count: the extension's own run, completed",
      async () => {
        const nb = await openNotebook(ws, "notebooks/ln-commented.ipynb");
        await execute(nb);
        const run = await activeRun(nb, (r) => r.status === "completed", "the extension's own run");
        assert.equal(run.transform.key, "notebooks/ln-commented.ipynb");
        assert.equal(run.trackedBy, undefined);
        assert.deepEqual(cellsOf((await runByUid(run.uid))!), [
          [0, 1],
          [1, 2],
        ]);
        assert.deepEqual(await transformsWithKey("ln-commented.ipynb"), [], "LaminDB made nothing");
        await db.end();
      },
    ],
  ];
}
