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

/** Without a visible range from the client, "did you mean" runs for this many unknown values at most. */
export const SUGGEST_WITHOUT_RANGES = 10;

interface Candidate {
  registry: string;
  field: string;
  value: string;
  start: number;
  end: number;
}

/**
 * `visible`: the offset ranges of the document the client shows (lamin/visibleRanges); "did you mean"
 * searches only for unknown values inside them (or, without them, for the first few), so a document
 * with hundreds of unknown values costs one existence statement per field, not a search each.
 */
export async function diagnose(
  docs: Documents,
  doc: TextDocument,
  values: RegistryValues,
  visible?: ReadonlyArray<{ start: number; end: number }>,
  /** Filled with the registries whose values were looked up (what a change of theirs can alter). */
  lookedUp?: Set<string>,
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
  const candidates: Candidate[] = [];
  for (const call of getCalls(tree.rootNode, language)) {
    const tokens = tokensOf(call.object);
    const { receiver } = receiverEndingAt(tokens, tokens.length - 1, bindings);
    if (!receiver || (receiver.kind !== "registry" && receiver.kind !== "queryset")) continue;
    for (const { keyword, value, start, end } of call.args) {
      if (keyword.includes("__")) continue; // lookups and relation paths are not plain values
      const target = valueTarget(receiver.registry, keyword);
      const field = target && registry(target.registry)?.spec.fields.find((f) => f.name === target.field);
      if (!target || !field || (field.type !== "char" && field.type !== "text")) continue;
      candidates.push({ registry: target.registry, field: target.field, value, start, end });
    }
  }
  // one existence statement per (registry, field) for all its values
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = `${c.registry}\u0000${c.field}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const unknown = new Set<Candidate>();
  for (const group of groups.values()) {
    const { registry: name, field } = group[0];
    lookedUp?.add(name);
    const found = await values.existing(
      name,
      field,
      group.map((c) => c.value),
    );
    for (const c of group) if (!found.has(c.value)) unknown.add(c);
  }
  const out: Diagnostic[] = [];
  let suggestedWithoutRanges = 0;
  for (const c of candidates) {
    if (!unknown.has(c)) continue;
    const shown = visible
      ? visible.some((r) => c.start < r.end && c.end > r.start)
      : suggestedWithoutRanges++ < SUGGEST_WITHOUT_RANGES;
    const suggestions = shown
      ? (await values.suggest(c.registry, c.field, c.value)).map((s) => s.value).filter((s) => s !== c.value)
      : [];
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : "";
    const data: UnknownValueData = { registry: c.registry, field: c.field, value: c.value, suggestions };
    out.push({
      range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) },
      severity: DiagnosticSeverity.Warning,
      source: "lamindb",
      code: UNKNOWN_VALUE,
      message: `No ${c.registry} with ${c.field} "${shortened(c.value)}".${hint}`,
      data,
    });
  }
  return out;
}

/** A value as the message quotes it: a 20,000-character value would fill the Problems panel. */
function shortened(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
