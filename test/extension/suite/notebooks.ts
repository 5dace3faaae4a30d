// Notebook helpers for the integration suite: open, pick the test kernel, execute, edit.
import * as vscode from "vscode";
import { join } from "node:path";
import type { TestKernelApi } from "../fixtures/test-kernel/extension";

export const TEST_KERNEL_EXTENSION = "lamindb-test.test-kernel";

export async function testKernel(): Promise<TestKernelApi> {
  const ext = vscode.extensions.getExtension<TestKernelApi>(TEST_KERNEL_EXTENSION);
  if (!ext) throw new Error(`${TEST_KERNEL_EXTENSION} is not installed`);
  return ext.activate();
}

export async function openNotebook(workspace: string, rel: string): Promise<vscode.NotebookDocument> {
  const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(join(workspace, rel)));
  const editor = await vscode.window.showNotebookDocument(nb);
  await selectTestKernel(editor);
  return nb;
}

/**
 * Opens a notebook in an editor only, as a user would: openNotebookDocument() would hold the document
 * open for minutes after its editor closed, so closing the editor closes the document only this way.
 */
export async function openNotebookInEditor(workspace: string, rel: string): Promise<vscode.NotebookDocument> {
  const uri = vscode.Uri.file(join(workspace, rel));
  await vscode.commands.executeCommand("vscode.openWith", uri, "jupyter-notebook");
  const editor = vscode.window.activeNotebookEditor;
  if (editor?.notebook.uri.toString() !== uri.toString()) throw new Error(`${rel} did not open in an editor`);
  await selectTestKernel(editor);
  return editor.notebook;
}

async function selectTestKernel(editor: vscode.NotebookEditor): Promise<void> {
  const kernel = await testKernel();
  await vscode.commands.executeCommand("notebook.selectKernel", {
    notebookEditor: editor,
    id: kernel.controllerId,
    extension: TEST_KERNEL_EXTENSION,
  });
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
