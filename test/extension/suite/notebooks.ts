// Notebook helpers for the integration suite: open, pick a kernel (the real Python kernel of the
// companion extension, or the stand-in test kernel), execute, edit.
import * as vscode from "vscode";
import { join } from "node:path";
import type { CompanionApi } from "../../../companion/src/extension";
import type { TestKernelApi } from "../fixtures/test-kernel/extension";

export const TEST_KERNEL_EXTENSION = "lamindb-test.test-kernel";
export const COMPANION_EXTENSION = "lamindb-dev.jupyter-kernel";

/** Which controller runs the notebook: the real ipykernel, or the stand-in. */
export type KernelChoice = "python" | "test";

/** The companion: "Python (Jupyter server)", ipykernel behind a local jupyter-server. */
export async function pythonKernel(): Promise<CompanionApi> {
  const ext = vscode.extensions.getExtension<CompanionApi>(COMPANION_EXTENSION);
  if (!ext) throw new Error(`${COMPANION_EXTENSION} is not installed`);
  return ext.activate();
}

export async function testKernel(): Promise<TestKernelApi> {
  const ext = vscode.extensions.getExtension<TestKernelApi>(TEST_KERNEL_EXTENSION);
  if (!ext) throw new Error(`${TEST_KERNEL_EXTENSION} is not installed`);
  return ext.activate();
}

export async function openNotebook(
  workspace: string,
  rel: string,
  kernel: KernelChoice = "python",
): Promise<vscode.NotebookDocument> {
  const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(join(workspace, rel)));
  const editor = await vscode.window.showNotebookDocument(nb);
  await selectKernel(editor, kernel);
  return nb;
}

/**
 * Opens a notebook in an editor only, as a user would: openNotebookDocument() would hold the document
 * open for minutes after its editor closed, so closing the editor closes the document only this way.
 */
export async function openNotebookInEditor(
  workspace: string,
  rel: string,
  kernel: KernelChoice = "python",
): Promise<vscode.NotebookDocument> {
  const uri = vscode.Uri.file(join(workspace, rel));
  await vscode.commands.executeCommand("vscode.openWith", uri, "jupyter-notebook");
  const editor = vscode.window.activeNotebookEditor;
  if (editor?.notebook.uri.toString() !== uri.toString()) throw new Error(`${rel} did not open in an editor`);
  await selectKernel(editor, kernel);
  return editor.notebook;
}

async function selectKernel(editor: vscode.NotebookEditor, kernel: KernelChoice): Promise<void> {
  const [id, extension] =
    kernel === "python"
      ? [(await pythonKernel()).controllerId, COMPANION_EXTENSION]
      : [(await testKernel()).controllerId, TEST_KERNEL_EXTENSION];
  await vscode.commands.executeCommand("notebook.selectKernel", { notebookEditor: editor, id, extension });
}

/** Executes cells [start, end) through the workbench, as a user would. */
export function execute(nb: vscode.NotebookDocument, start = 0, end = nb.cellCount): Thenable<unknown> {
  return vscode.commands.executeCommand("notebook.cell.execute", {
    ranges: [{ start, end }],
    document: nb.uri,
  });
}

export async function editCell(nb: vscode.NotebookDocument, index: number, text: string): Promise<void> {
  const doc = nb.cellAt(index).document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error("edit not applied");
}
