// Workspace Trust: in an untrusted workspace the extension writes nothing. Tracking stays off and the
// server starts with trusted: false (read-only); granting trust restarts it and turns tracking on.
import * as vscode from "vscode";

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export function onDidGrantTrust(fn: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(fn);
}
