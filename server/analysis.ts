// Reads the LaminDB context at a position of a Python document: parse (cached), tokens of the
// statement around the cursor, bindings from earlier statements and cells.
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Position, Range } from "vscode-languageserver";
import { collectBindings } from "./completion/bindings";
import { contextAt, type CompletionContext } from "./completion/context";
import type { Receiver } from "./completion/receiver";
import type { Documents } from "./documents";
import { treeFor } from "./python/parser";
import { statementAt, tokensOf } from "./python/tokens";

export interface Analysis {
  context: CompletionContext;
  range: Range;
}

/** Quick textual gate: no `ln`/`lamindb` and no lookup variable anywhere means nothing to do. */
function mayMatter(text: string, hasBindings: boolean): boolean {
  return hasBindings || text.includes("ln") || text.includes("lamindb");
}

export async function analyze(
  docs: Documents,
  doc: TextDocument,
  position: Position,
): Promise<Analysis | undefined> {
  const text = doc.getText();
  const cursor = doc.offsetAt(position);
  const language = docs.languageOf(doc) ?? "python";
  const bindings = new Map<string, Receiver>();
  for (const cell of docs.earlierCells(doc.uri, language)) {
    const t = cell.getText();
    if (!t.includes("lookup") && !t.includes("ln.")) continue;
    const tree = await treeFor(cell.uri, cell.version, t, language);
    if (tree) collectBindings(tree.rootNode, bindings);
  }
  if (!mayMatter(text, bindings.size > 0)) return undefined;
  const tree = await treeFor(doc.uri, doc.version, text, language);
  if (!tree) return undefined;
  collectBindings(tree.rootNode, bindings, cursor);
  const stmt = statementAt(tree.rootNode, cursor);
  const all = tokensOf(stmt);
  const before = all.filter((t) => t.start < cursor);
  const after = all.find((t) => t.start >= cursor);
  const context = contextAt(before, after, cursor, text, bindings);
  if (!context) return undefined;
  return {
    context,
    range: { start: doc.positionAt(context.span.start), end: doc.positionAt(context.span.end) },
  };
}
