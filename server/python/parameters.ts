// A papermill "parameters" cell (`name = <python literal>` lines) as JSON, read with the Python grammar
// the server already loads. Values that are not plain literals (calls, names, f-strings, arithmetic)
// are skipped, not guessed: LaminDB drops what it cannot serialise too. None and empty lists are
// dropped, as ln.track() does; later assignments win; a statement the grammar cannot read is skipped.
import type { JsonObject } from "../../db/shapes";
import { literalValue, NOT_LITERAL } from "./literals";
import { pythonParser } from "./parser";

/** At most this much of a cell is read: a parameters cell is a few lines, not a data dump. */
const MAX_SOURCE = 1_000_000;

export async function parseParameters(source: string): Promise<JsonObject> {
  const out: JsonObject = {};
  if (typeof source !== "string" || source.length > MAX_SOURCE) return out;
  const tree = (await pythonParser()).parse(source);
  if (!tree) return out;
  try {
    for (const statement of tree.rootNode.namedChildren) {
      if (statement.type !== "expression_statement" || statement.namedChildCount !== 1) continue;
      const assignment = statement.namedChild(0)!;
      if (assignment.type !== "assignment" || assignment.hasError) continue;
      const left = assignment.childForFieldName("left");
      const right = assignment.childForFieldName("right");
      // `x: int` without a value has nothing to record; `a = b = 1` is not a parameter line
      if (left?.type !== "identifier" || !right || right.type === "assignment") continue;
      const value = literalValue(right);
      if (value === NOT_LITERAL) continue;
      if (value === null || (Array.isArray(value) && value.length === 0)) delete out[left.text];
      else out[left.text] = value;
    }
  } finally {
    tree.delete();
  }
  return out;
}
