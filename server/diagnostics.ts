// `ln.ULabel.get(name="Unknwn")` (Python) or `ln.ULabel.get({ name: "Unknwn" })` (JavaScript/TypeScript)
// where no such value exists: a warning with "did you mean" from search(), carrying the suggestions
// for the quick fix (code-actions.ts). Only get() is checked: an empty filter() is a fine answer.
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { collectBindings } from "./completion/bindings";
import { valueTarget } from "./completion/items";
import { receiverEndingAt, type Receiver } from "./completion/receiver";
import { registry } from "./data/registries";
import type { RegistryValues } from "./data/registry-values";
import type { Documents } from "./documents";
import { getCalls } from "./get-calls";
import { treeFor } from "./python/parser";
import { tokensOf } from "./python/tokens";

export const UNKNOWN_VALUE = "lamin.unknownValue";

export interface UnknownValueData {
  registry: string;
  field: string;
  value: string;
  suggestions: string[];
}

export async function diagnose(
  docs: Documents,
  doc: TextDocument,
  values: RegistryValues,
): Promise<Diagnostic[]> {
  const language = docs.languageOf(doc);
  const text = doc.getText();
  if (!language || !text.includes(".get(")) return [];
  const tree = await treeFor(doc.uri, doc.version, text, language);
  if (!tree) return [];
  const bindings = new Map<string, Receiver>();
  for (const cell of docs.earlierCells(doc.uri, language)) {
    const t = await treeFor(cell.uri, cell.version, cell.getText(), language);
    if (t) collectBindings(t.rootNode, bindings);
  }
  collectBindings(tree.rootNode, bindings);
  const out: Diagnostic[] = [];
  for (const call of getCalls(tree.rootNode, language)) {
    const tokens = tokensOf(call.object);
    const { receiver } = receiverEndingAt(tokens, tokens.length - 1, bindings);
    if (!receiver || (receiver.kind !== "registry" && receiver.kind !== "queryset")) continue;
    for (const { keyword, value, start, end } of call.args) {
      if (keyword.includes("__")) continue; // lookups and relation paths are not plain values
      const target = valueTarget(receiver.registry, keyword);
      const field = target && registry(target.registry)?.spec.fields.find((f) => f.name === target.field);
      if (!target || !field || (field.type !== "char" && field.type !== "text")) continue;
      if (await values.exists(target.registry, target.field, value)) continue;
      const suggestions = (await values.suggest(target.registry, target.field, value))
        .map((s) => s.value)
        .filter((s) => s !== value);
      const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
      const data: UnknownValueData = { registry: target.registry, field: target.field, value, suggestions };
      out.push({
        range: { start: doc.positionAt(start), end: doc.positionAt(end) },
        severity: DiagnosticSeverity.Warning,
        source: "lamindb",
        code: UNKNOWN_VALUE,
        message: `No ${target.registry} with ${target.field} "${value}".${hint}`,
        data,
      });
    }
  }
  return out;
}
