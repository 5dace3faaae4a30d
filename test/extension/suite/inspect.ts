// Inspecting runs, in the real extension host: the Runs tree and its badge, describe, trash and
// restore, the explorer's query, the query kernel. The workbench UI of the same features is driven
// with Playwright in code-server.test.ts; here the extension's API reads the trees and panels.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import type { LaminExtensionApi, TreeRow } from "../../../extension/api";
import { Commands } from "../../../extension/commands/ids";
import { DATAFRAME_MIME } from "../../../db/shapes";
import type { RunSummary } from "../../../server/protocol";
import { waitFor, type TestFn } from "./harness";
import { execute, openNotebook } from "./notebooks";

const EXTENSION_ID = "lamindb-vscode.lamindb-vscode";

const iconOf = (row: TreeRow) => (row.item.iconPath as vscode.ThemeIcon | undefined)?.id;
const rowOf = (rows: TreeRow[], uid: string) =>
  rows.find((r) => String(r.item.description ?? "").includes(uid.slice(0, 8)));

function nextEvent<T>(event: vscode.Event<T>, accept: (v: T) => boolean, timeoutMs = 20000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error("timed out waiting for an event"));
    }, timeoutMs);
    const sub = event((v) => {
      if (!accept(v)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

async function runningTotal(api: LaminExtensionApi): Promise<number> {
  return (await api.request("lamin/runs", { status: ["started", "restarted"], offset: 0, limit: 0 })).total;
}

export function inspectTests(api: LaminExtensionApi, ws: string): Array<[string, TestFn]> {
  let tracked: RunSummary | undefined;
  return [
    [
      "a tracked run appears in the Runs tree with its status icon, and the badge counts it while it runs",
      async () => {
        const nb = await openNotebook(ws, "notebooks/running.ipynb");
        const done = execute(nb); // the cell takes 4 s
        const run = await waitFor("the started run", async () => {
          await api.tracking.flush();
          const r = await api.request("lamin/activeRun", { notebookUri: nb.uri.toString() });
          return r?.status === "started" ? r : undefined;
        });
        const running = await waitFor("the run row, spinning", async () => {
          const row = rowOf(await api.views.runs(), run.uid);
          return row && iconOf(row) === "sync~spin" ? row : undefined;
        });
        assert.match(String(running.item.contextValue), /\brun live\b/);
        await waitFor("the badge counts the running run", async () => {
          const total = await runningTotal(api);
          return total >= 1 && api.views.runsBadge?.value === total;
        });
        await done;
        tracked = await waitFor("the completed run row", async () => {
          await api.tracking.flush();
          const row = rowOf(await api.views.runs(), run.uid);
          return row && iconOf(row) === "pass" ? run : undefined;
        });
        await waitFor("the badge follows", async () => {
          const total = await runningTotal(api);
          return (api.views.runsBadge?.value ?? 0) === total;
        });
        const keys = (await api.views.transforms()).map((r) => String(r.item.label));
        assert.ok(keys.includes("notebooks/running.ipynb"), `transforms: ${keys.join(", ")}`);
        const registries = await api.views.registries();
        const ulabel = registries.find((r) => r.item.label === "ULabel");
        assert.ok(ulabel && Number(ulabel.item.description) >= 3, "ULabel with its count");
      },
    ],
    [
      "describe from the tree opens the panel with that run",
      async () => {
        const row = rowOf(await api.views.runs(), tracked!.uid)!;
        const shown = nextEvent(api.panels.onDidDescribe, (e) => e.uid === tracked!.uid);
        const command = row.item.command!;
        await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
        const e = await shown;
        assert.equal(e.registry, "Run");
        await waitFor("the panel is visible", () => api.panels.describeVisible);
      },
    ],
    [
      "delete moves the run to the trash and restore brings it back",
      async () => {
        const uid = tracked!.uid;
        const row = rowOf(await api.views.runs(), uid)!;
        await vscode.commands.executeCommand(Commands.trash, row.node);
        assert.equal((await api.request("lamin/run", { uid }))?.branch_id, -1, "in the trash branch");
        assert.equal(rowOf(await api.views.runs(), uid), undefined, "gone from the Runs tree");
        await vscode.commands.executeCommand(Commands.toggleTrash);
        try {
          const trashed = await waitFor("the trashed row", async () => rowOf(await api.views.runs(), uid));
          assert.match(String(trashed.item.contextValue), /\btrashed\b/);
          assert.equal(iconOf(trashed), "trash");
          await vscode.commands.executeCommand(Commands.restore, trashed.node);
        } finally {
          await vscode.commands.executeCommand(Commands.toggleTrash);
        }
        assert.notEqual((await api.request("lamin/run", { uid }))?.branch_id, -1, "restored");
        const back = rowOf(await api.views.runs(), uid);
        assert.ok(back && iconOf(back) === "pass", "back in the Runs tree");
      },
    ],
    [
      "the runs explorer's query returns the expected rows; a failing query shows the query API's message",
      async () => {
        const query = 'Run.filter(status="errored").to_dataframe(include="created_by__handle")';
        const result = nextEvent(api.panels.onDidRunQuery, (r) => r.query === query);
        await vscode.commands.executeCommand(Commands.openExplorer, query);
        const { frame, error } = await result;
        assert.equal(error, undefined);
        const errored = await api.request("lamin/runs", { status: ["errored"], offset: 0, limit: 100 });
        assert.ok(frame && errored.total >= 1);
        assert.equal(frame.total, errored.total);
        assert.deepEqual([...frame.index.values].sort(), errored.items.map((r) => r.id).sort());
        assert.ok(frame.columns.includes("created_by__handle"), `columns: ${frame.columns.join(", ")}`);
        const bad = 'Run.filter(statuss="errored")';
        const failed = nextEvent(api.panels.onDidRunQuery, (r) => r.query === bad);
        await vscode.commands.executeCommand(Commands.openExplorer, bad);
        assert.match((await failed).error ?? "", /statuss/);
      },
    ],
    [
      "query kernel: a cell renders a dataframe, a failing one shows the query API's error; the run is tracked",
      async () => {
        const nb = await vscode.workspace.openNotebookDocument(
          vscode.Uri.file(`${ws}/notebooks/kernel.ipynb`),
        );
        const editor = await vscode.window.showNotebookDocument(nb);
        await vscode.commands.executeCommand("notebook.selectKernel", {
          notebookEditor: editor,
          id: api.queryControllerId,
          extension: EXTENSION_ID,
        });
        await execute(nb);
        const items = nb.cellAt(0).outputs.flatMap((o) => o.items);
        const df = items.find((i) => i.mime === DATAFRAME_MIME);
        assert.ok(df, `cell 1 outputs: ${items.map((i) => i.mime).join(", ")}`);
        const frame = JSON.parse(new TextDecoder().decode(df.data)) as { kind: string; total: number };
        assert.equal(frame.kind, "lamindb.dataframe");
        assert.ok(frame.total >= 1);
        assert.equal(nb.cellAt(0).executionSummary?.success, true);
        assert.equal(nb.cellAt(0).executionSummary?.executionOrder, 1);
        const error = nb
          .cellAt(1)
          .outputs.flatMap((o) => o.items)
          .find((i) => i.mime === "application/vnd.code.notebook.error");
        assert.ok(error, "an error output");
        const parsed = JSON.parse(new TextDecoder().decode(error.data)) as { name: string; message: string };
        assert.match(`${parsed.name}: ${parsed.message}`, /DoesNotExist|nope/);
        assert.equal(nb.cellAt(1).executionSummary?.success, false);
        const run = await waitFor("the query notebook's run", async () => {
          await api.tracking.flush();
          const r = await api.request("lamin/activeRun", { notebookUri: nb.uri.toString() });
          return r?.status === "errored" ? r : undefined;
        });
        assert.equal(run.transform.key, "notebooks/kernel.ipynb");
      },
    ],
  ];
}
