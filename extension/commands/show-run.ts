// Shows a run's describe() in the describe renderer: a read-only notebook whose one cell carries the
// application/vnd.lamindb.describe+json output (plus text/plain), as a kernel would have produced it.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { describedRun, type RunDescriptions } from "./run-descriptions";

export async function showRun(
  server: LaminServer,
  descriptions: RunDescriptions,
  uid: string | undefined,
): Promise<void> {
  // from the palette on a description: that run, read again
  uid ??= vscode.window.activeNotebookEditor && describedRun(vscode.window.activeNotebookEditor.notebook.uri);
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
  const uri = await descriptions.refresh(uid);
  const doc = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(doc, { preview: true });
}
