// Variables that earlier code bound to LaminDB objects: `labels = ln.ULabel.lookup()` in this
// document (before the cursor) or in an earlier cell of the notebook.
import type { Node } from "web-tree-sitter";
import { childrenOf, tokensOf } from "../python/tokens";
import { receiverEndingAt, type Receiver } from "./receiver";

/** `name = value` (Python) and `const name = value` (JavaScript/TypeScript) of a top-level statement. */
function assignmentsOf(stmt: Node): Array<[string, Node]> {
  const out: Array<[string, Node]> = [];
  if (stmt.type === "expression_statement" && stmt.firstChild?.type === "assignment") {
    const left = stmt.firstChild.childForFieldName("left");
    const right = stmt.firstChild.childForFieldName("right");
    if (left?.type === "identifier" && right) out.push([left.text, right]);
  } else if (stmt.type === "lexical_declaration" || stmt.type === "variable_declaration") {
    for (const d of stmt.namedChildren) {
      const name = d?.childForFieldName("name");
      const value = d?.childForFieldName("value");
      if (d?.type === "variable_declarator" && name?.type === "identifier" && value)
        out.push([name.text, value]);
    }
  }
  return out;
}

/** Adds the bindings of `root`'s top-level assignments that end before `until` to `into`. */
export function collectBindings(root: Node, into: Map<string, Receiver>, until = Infinity): void {
  for (const stmt of childrenOf(root)) {
    if (stmt.endIndex > until) break;
    for (const [left, right] of assignmentsOf(stmt)) {
      const tokens = tokensOf(right);
      const { receiver } = receiverEndingAt(tokens, tokens.length - 1, into);
      if (receiver && receiver.kind !== "module") into.set(left, receiver);
      else into.delete(left);
    }
  }
}
