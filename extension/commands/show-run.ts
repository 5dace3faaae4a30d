// Shows a run's describe() in the describe renderer: an untitled notebook whose one cell carries the
// application/vnd.lamindb.describe+json output (plus text/plain), as a kernel would have produced it.
import * as vscode from "vscode";
import { DESCRIBE_MIME } from "../../db/shapes";
import type { LaminServer } from "../client/server";

export async function showRun(server: LaminServer, uid: string | undefined): Promise<void> {
  if (!uid) {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const run = nb ? await server.request("lamin/activeRun", { notebookUri: nb.uri.toString() }) : null;
    if (!run) {
      void vscode.window.showInformationMessage(
        "LaminDB: the active notebook has no run yet. Run a cell to start one.",
      );
      return;
    }
    uid = run.uid;
  }
  const description = await server.request("lamin/describe", { registry: "Run", uid });
  const cell = new vscode.NotebookCellData(
    vscode.NotebookCellKind.Code,
    `ln.Run.get("${uid}").describe()`,
    "python",
  );
  cell.outputs = [
    new vscode.NotebookCellOutput([
      vscode.NotebookCellOutputItem.json(description, DESCRIBE_MIME),
      vscode.NotebookCellOutputItem.text(description.text, "text/plain"),
    ]),
  ];
  const doc = await vscode.workspace.openNotebookDocument(
    "jupyter-notebook",
    new vscode.NotebookData([cell]),
  );
  await vscode.window.showNotebookDocument(doc, { preview: true });
}
