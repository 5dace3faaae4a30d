// The token view of a tree-sitter tree: its leaves in order. Completion contexts are read from the
// tokens just before the cursor, because an unfinished call (`ln.ULabel.get(name="CD`) parses into
// an ERROR node whose structure says little, while its tokens are exactly what the user typed.
import type { Node } from "web-tree-sitter";

export interface Token {
  type: string; // the grammar's node type: identifier, string_start, "(", "=", ...
  text: string;
  start: number; // UTF-16 offsets, as web-tree-sitter reports them for JavaScript strings
  end: number;
}

/** Leaves of `node`, in order; strings are kept as their start/content/end tokens. */
export function tokensOf(node: Node): Token[] {
  const out: Token[] = [];
  const cursor = node.walk();
  let done = false;
  while (!done) {
    const n = cursor.currentNode;
    if (n.childCount === 0 || n.type === "string_content" || n.type === "string_fragment") {
      if (n.endIndex > n.startIndex || n.type === "string_end") {
        out.push({ type: normalType(n), text: n.text, start: n.startIndex, end: n.endIndex });
      }
    } else if (cursor.gotoFirstChild()) {
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent() || cursor.currentNode.id === node.id) {
        done = true;
        break;
      }
    }
  }
  cursor.delete();
  return out;
}

// JavaScript/TypeScript trees name the same things differently: a quote inside `string` is its start
// or end, `string_fragment` its content, object keys are property identifiers.
function normalType(n: Node): string {
  switch (n.type) {
    case "string_fragment":
      return "string_content";
    case "property_identifier":
    case "shorthand_property_identifier":
      return "identifier";
    case '"':
    case "'":
    case "`": {
      const parent = n.parent;
      const closes = parent?.type === "string" && parent.childCount > 1 && parent.lastChild?.id === n.id;
      return closes ? "string_end" : "string_start";
    }
    default:
      return n.type;
  }
}

/**
 * The children of `node` in order, through a tree cursor. `node.child(i)` walks the siblings from the
 * first on every call, so a loop over it is quadratic: 100,000 top-level children (an unclosed
 * `filter([[[...`) blocked the server for 36 s per completion.
 */
export function* childrenOf(node: Node): Generator<Node> {
  const cursor = node.walk();
  try {
    if (!cursor.gotoFirstChild()) return;
    do yield cursor.currentNode;
    while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
}

/** The top-level statement (child of the module) around an offset, or the module itself. */
export function statementAt(root: Node, offset: number): Node {
  for (const c of childrenOf(root)) {
    if (c.startIndex > offset) break;
    if (offset <= c.endIndex) return c;
  }
  return root;
}
