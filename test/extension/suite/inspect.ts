// Inspecting runs, in the real extension host: the Runs tree and its badge, describe, trash and
// restore, the Transforms tree paged by key, the explorer's query, the query kernel and completions in
// its cells. The workbench UI of the same features (and what needs a click in the workbench: the search
// quick pick, the modal of "Delete permanently") is driven with Playwright in code-server.test.ts;
// here the extension's API reads the trees and panels.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import type { LaminExtensionApi, TreeRow } from "../../../extension/api";
import { Commands, DESCRIBE_SCHEME } from "../../../extension/commands/ids";
import { DATAFRAME_MIME, DESCRIBE_MIME, type Description } from "../../../db/shapes";
import { lookupKey } from "../../../db/query/lookup";
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

/** Every element under `parent`, following the "Load more…" elements page by page. */
async function allRows(list: (parent?: unknown) => Promise<TreeRow[]>, parent?: unknown): Promise<TreeRow[]> {
  const rows: TreeRow[] = [];
  for (let page = await list(parent); ;) {
    const more = page.find((r) => (r.node as { kind?: string }).kind === "more");
    rows.push(...page.filter((r) => r !== more));
    if (!more) return rows;
    page = await list(more.node);
  }
}

const labelOf = (i: vscode.CompletionItem) => (typeof i.label === "string" ? i.label : i.label.label);

async function completions(doc: vscode.TextDocument): Promise<string[]> {
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    "vscode.executeCompletionItemProvider",
    doc.uri,
    end,
  );
  return list.items.map(labelOf);
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
        // its page loaded: also what the next test needs, since a webview starting in the same instant as
        // another can wait forever in VS Code for the web (docs/extension.md, "Two webviews at once")
        await waitFor("the panel's page is ready", () => api.panels.describeReady);
      },
    ],
    [
      "Show run: the run's describe() as a read-only notebook, never dirty; shown again, one tab; closed, no prompt",
      async () => {
        const uid = tracked!.uid;
        const tabsOf = (uri: vscode.Uri) =>
          vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .filter(
              (t) => t.input instanceof vscode.TabInputNotebook && t.input.uri.toString() === uri.toString(),
            );
        await vscode.commands.executeCommand(Commands.showRun, uid);
        const nb = vscode.window.activeNotebookEditor?.notebook;
        assert.equal(nb?.uri.scheme, DESCRIBE_SCHEME);
        assert.equal(nb.uri.path, `/Run ${uid}.ipynb`);
        assert.equal(nb.isDirty, false);
        const item = nb.cellAt(0).outputs[0]?.items.find((i) => i.mime === DESCRIBE_MIME);
        const description = JSON.parse(new TextDecoder().decode(item?.data)) as Description;
        assert.equal(description.uid, uid);
        assert.equal(description.registry, "Run");
        // the text/plain beside it, as a kernel's output has
        assert.ok(nb.cellAt(0).outputs[0]?.items.some((i) => i.mime === "text/plain"));
        // shown again (the status bar clicked twice): read again into the same tab, still clean
        await vscode.commands.executeCommand(Commands.showRun, uid);
        assert.equal(tabsOf(nb.uri).length, 1);
        assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.toString(), nb.uri.toString());
        assert.equal(vscode.window.activeNotebookEditor?.notebook.isDirty, false);
        // a dirty notebook would stop here at a save prompt
        await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
        await waitFor("the description's tab closed", () => tabsOf(nb.uri).length === 0);
        // an unknown run: the command reports the server's error and opens nothing
        const unknown = "0000000000000000";
        await vscode.commands.executeCommand(Commands.showRun, unknown);
        // and one that is no uid at all (a path) is refused before anything is asked or opened
        await vscode.commands.executeCommand(Commands.showRun, "../notebooks/running");
        const described = vscode.workspace.notebookDocuments.filter((d) => d.uri.scheme === DESCRIBE_SCHEME);
        assert.deepEqual(
          described.filter((d) => d.uri.path !== nb.uri.path).map((d) => d.uri.toString()),
          [],
        );
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
      "the Transforms tree lists a key once however many versions it has; versions and runs page under it",
      async () => {
        const key = "pipelines/many-versions.py";
        const versions = 105; // more than one page (100) of versions
        const made = await api.request("lamin/evaluate", {
          language: "javascript",
          code: `for (let i = 0; i < ${versions}; i++)
                   await new ln.Transform({ key: ${JSON.stringify(key)}, kind: "pipeline", source_code: "v" + i }).save();`,
        });
        assert.equal(made.error, undefined, made.error?.message);
        const keys = await waitFor("the key in the Transforms tree", async () => {
          const rows = await allRows(api.views.transforms);
          return rows.some((r) => r.item.label === key) ? rows : undefined;
        });
        const labels = keys.map((r) => String(r.item.label));
        assert.equal(labels.filter((l) => l === key).length, 1, "the key once");
        assert.equal(new Set(labels).size, labels.length, `each key once: ${labels.join(", ")}`);
        const row = keys.find((r) => r.item.label === key)!;
        assert.match(String(row.item.description), /105 versions/);
        const first = await api.views.transforms(row.node);
        assert.equal(first.at(-1)?.item.label, "Load more…", "versions page under the key");
        const all = await allRows(api.views.transforms, row.node);
        assert.equal(all.length, versions);
        assert.equal(new Set(all.map((r) => r.item.description)).size, versions, "each version once");
        assert.match(String(all[0].item.description), /latest/);
        // a tracked notebook's version holds its runs
        const tracked = keys.find((r) => r.item.label === "notebooks/running.ipynb")!;
        const [version] = await api.views.transforms(tracked.node);
        const runs = await api.views.transforms(version.node);
        assert.ok(
          runs.some((r) => String(r.item.contextValue).includes("run")),
          "the version's runs",
        );
      },
    ],
    [
      "completions in a JavaScript query cell of a notebook with the LaminDB controller (notebook sync)",
      async () => {
        const { items } = await api.request("lamin/records", { registry: "ULabel", offset: 0, limit: 1 });
        assert.ok(items.length === 1, "a ULabel to complete");
        const js = (value: string) =>
          new vscode.NotebookCellData(vscode.NotebookCellKind.Code, value, "javascript");
        const nb = await vscode.workspace.openNotebookDocument(
          "jupyter-notebook",
          new vscode.NotebookData([
            js("labels."), // before the binding: nothing from it
            js("const labels = await ln.ULabel.lookup();"),
            js("labels."),
            js('await ln.ULabel.filter({ name: "'),
          ]),
        );
        const editor = await vscode.window.showNotebookDocument(nb);
        await vscode.commands.executeCommand("notebook.selectKernel", {
          notebookEditor: editor,
          id: api.queryControllerId,
          extension: EXTENSION_ID,
        });
        const label = items[0].label;
        const values = await waitFor(
          `${label} completed inside ln.ULabel.filter({ name: "`,
          async () => {
            const got = await completions(nb.cellAt(3).document);
            return got.includes(label) ? got : undefined;
          },
          30000,
        );
        assert.ok(values.includes(label));
        const key = lookupKey(label);
        await waitFor(`${key} after the lookup's binding`, async () =>
          (await completions(nb.cellAt(2).document)).includes(key),
        );
        // the server has the notebook's cells in order: a later cell's binding does not leak upwards
        const before = await completions(nb.cellAt(0).document);
        assert.ok(!before.includes(key), `${key} offered before its binding`);
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
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
