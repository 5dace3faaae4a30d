// `ln.ULabel.get(name="Unknwn")` where no such value exists: a warning with "did you mean" from
// search(), carrying the suggestions for the quick fix (code-actions.ts).
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { collectBindings } from "./completion/bindings";
import { valueTarget } from "./completion/items";
import { receiverEndingAt, type Receiver } from "./completion/receiver";
import { registry } from "./data/registries";
import type { RegistryValues } from "./data/registry-values";
import type { Documents } from "./documents";
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
  const text = doc.getText();
  if (!text.includes(".get(")) return [];
  const tree = await treeFor(doc.uri, doc.version, text);
  if (!tree) return [];
  const bindings = new Map<string, Receiver>();
  for (const cell of docs.earlierCells(doc.uri)) {
    const t = await treeFor(cell.uri, cell.version, cell.getText());
    if (t) collectBindings(t.rootNode, bindings);
  }
  collectBindings(tree.rootNode, bindings);
  const out: Diagnostic[] = [];
  for (const call of tree.rootNode.descendantsOfType("call")) {
    if (!call) continue;
    const fn = call.childForFieldName("function");
    if (fn?.type !== "attribute" || fn.childForFieldName("attribute")?.text !== "get") continue;
    const object = fn.childForFieldName("object");
    if (!object) continue;
    const tokens = tokensOf(object);
    const { receiver } = receiverEndingAt(tokens, tokens.length - 1, bindings);
    if (!receiver || (receiver.kind !== "registry" && receiver.kind !== "queryset")) continue;
    for (const arg of call.childForFieldName("arguments")?.namedChildren ?? []) {
      if (arg?.type !== "keyword_argument") continue;
      const keyword = arg.childForFieldName("name")?.text ?? "";
      const valueNode = arg.childForFieldName("value");
      if (valueNode?.type !== "string" || keyword.includes("__")) continue;
      const content = valueNode.namedChildren.filter((c) => c?.type === "string_content");
      if (content.length !== 1 || valueNode.namedChildren.some((c) => c?.type === "interpolation")) continue;
      const target = valueTarget(receiver.registry, keyword);
      const field = target && registry(target.registry)?.spec.fields.find((f) => f.name === target.field);
      if (!target || !field || (field.type !== "char" && field.type !== "text")) continue;
      const value = content[0]!.text;
      if (await values.exists(target.registry, target.field, value)) continue;
      const suggestions = (await values.suggest(target.registry, target.field, value))
        .map((s) => s.value)
        .filter((s) => s !== value);
      const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
      const data: UnknownValueData = { registry: target.registry, field: target.field, value, suggestions };
      out.push({
        range: { start: doc.positionAt(content[0]!.startIndex), end: doc.positionAt(content[0]!.endIndex) },
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
