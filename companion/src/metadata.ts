// The notebook's Jupyter metadata, written as the Jupyter extension writes it when its controller is
// selected and when the kernel answers kernel_info: `kernelspec` and `language_info`, and no leftover
// `vscode`/`interpreter` entries. VS Code's ipynb serializer keeps the notebook JSON (minus cells) as the
// document's metadata, so Jupyter's own metadata is `document.metadata.metadata`. Written only when it
// changes (the edit makes the notebook dirty, as any metadata edit does).
import * as vscode from "vscode";
import { isDeepStrictEqual } from "node:util";
import type { Kernelspec } from "./kernelspec";

type Json = Record<string, unknown>;

function asRecord(v: unknown): Json | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

export async function writeKernelMetadata(
  nb: vscode.NotebookDocument,
  spec: Pick<Kernelspec, "name" | "display_name" | "language">,
  languageInfo: Json | undefined,
): Promise<boolean> {
  const outer: Json = { ...nb.metadata };
  const jupyter: Json = { ...(asRecord(outer.metadata) ?? {}) };
  const next: Json = { ...jupyter };
  next.kernelspec = { name: spec.name, language: spec.language, display_name: spec.display_name };
  if (languageInfo) next.language_info = languageInfo;
  delete next.vscode;
  delete next.interpreter;
  if (isDeepStrictEqual(next, jupyter)) return false;
  const edit = new vscode.WorkspaceEdit();
  edit.set(nb.uri, [vscode.NotebookEdit.updateNotebookMetadata({ ...outer, metadata: next })]);
  return vscode.workspace.applyEdit(edit);
}
