// Quick fixes for diagnostics.ts: replace an unknown value with one of its suggestions.
import { CodeActionKind, type CodeAction, type CodeActionParams } from "vscode-languageserver";
import { UNKNOWN_VALUE, type UnknownValueData } from "./diagnostics";

export function codeActions(params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.code !== UNKNOWN_VALUE || d.source !== "lamindb") continue;
    const data = d.data as UnknownValueData | undefined;
    for (const [i, s] of (data?.suggestions ?? []).entries()) {
      out.push({
        title: `Replace with "${s}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: i === 0,
        edit: { changes: { [params.textDocument.uri]: [{ range: d.range, newText: s }] } },
      });
    }
  }
  return out;
}
