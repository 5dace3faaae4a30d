// Tells the server which part of each document the editors show (lamin/visibleRanges), so "did you
// mean" searches only for the unknown values the user can see. Sent when an editor scrolls or opens;
// the server debounces its diagnostics, so a burst of scroll events costs one run.
import * as vscode from "vscode";
import type { LaminServer } from "./server";

const LANGUAGES = new Set(["python", "javascript", "typescript"]);

export function reportVisibleRanges(server: LaminServer): vscode.Disposable {
  const send = (editor: vscode.TextEditor, ranges: readonly vscode.Range[]) => {
    if (!LANGUAGES.has(editor.document.languageId)) return;
    server.notifyIfRunning("lamin/visibleRanges", {
      uri: editor.document.uri.toString(),
      ranges: ranges.slice(0, 100).map((r) => ({
        start: { line: r.start.line, character: r.start.character },
        end: { line: r.end.line, character: r.end.character },
      })),
    });
  };
  const all = () => vscode.window.visibleTextEditors.forEach((e) => send(e, e.visibleRanges));
  const subscriptions = [
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => send(e.textEditor, e.visibleRanges)),
    vscode.window.onDidChangeVisibleTextEditors(all),
    server.onDidChangeState((s) => {
      if (s === "running") all();
    }),
  ];
  return vscode.Disposable.from(...subscriptions);
}
