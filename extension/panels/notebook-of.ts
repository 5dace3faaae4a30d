// The notebook a run's transform stands for: its key is the path relative to a workspace folder.
import * as vscode from "vscode";

export async function findNotebook(key: string): Promise<vscode.Uri | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, ...key.split("/"));
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export async function openNotebook(key: string): Promise<void> {
  const uri = await findNotebook(key);
  if (!uri) {
    void vscode.window.showWarningMessage(`LaminDB: ${key} is not in this workspace.`);
    return;
  }
  await vscode.commands.executeCommand("vscode.open", uri);
}
