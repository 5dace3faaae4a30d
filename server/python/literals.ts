// Python literals read from tree-sitter's Python tree: the one Python lexer of the project (the
// grammar the language server loads for completions), used by the parameters cell (parameters.ts) and
// the runs explorer's query line (query-line.ts). Escape sequences are the grammar's escape_sequence
// nodes, decoded as Python decodes them.
import type { JsonObject, JsonValue } from "../../db/shapes";
import type { Node } from "./parser";

/** What a non-literal (a name, a call, an f-string, arithmetic) evaluates to: nothing to record. */
export const NOT_LITERAL = Symbol("not a literal");
export type Literal = JsonValue | typeof NOT_LITERAL;

const SIMPLE_ESCAPES: Record<string, string> = {
  "\n": "", // a backslash before a newline continues the line
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** One escape_sequence's text (`\n`, `\x41`, `\u00e9`, `\U0001F600`, `\101`, `\N{BULLET}`) as Python reads it. */
export function decodeEscape(text: string): string {
  const body = text.slice(1);
  if (Object.hasOwn(SIMPLE_ESCAPES, body)) return SIMPLE_ESCAPES[body];
  const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))$/.exec(body);
  if (hex) {
    const code = parseInt(hex[1] ?? hex[2] ?? hex[3], 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : text;
  }
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCodePoint(parseInt(body, 8));
  const named = /^N\{([A-Z0-9 -]+)\}$/i.exec(body);
  if (named) return NAMED_CHARACTERS[named[1].toUpperCase()] ?? text;
  return text; // not an escape Python knows: the backslash stays
}

// \N{...} names Python programs use in parameters; others keep their text rather than a wrong character
const NAMED_CHARACTERS: Record<string, string> = {
  BULLET: "\u2022",
  "DEGREE SIGN": "\u00b0",
  "GREEK SMALL LETTER MU": "\u03bc",
  "MICRO SIGN": "\u00b5",
  "NO-BREAK SPACE": "\u00a0",
  "EM DASH": "\u2014",
  "EN DASH": "\u2013",
};

/**
 * A `string` node's value; undefined for what is not a plain string literal: bytes, f-strings with
 * their interpolations, and a string the grammar could not close.
 */
export function stringValue(node: Node): string | undefined {
  if (node.type !== "string" || node.hasError) return undefined;
  const start = node.firstChild;
  const end = node.lastChild;
  if (start?.type !== "string_start" || end?.type !== "string_end" || end.isMissing) return undefined;
  const prefix = start.text.replace(/["']+$/, "").toLowerCase();
  if (prefix.includes("b") || prefix.includes("f")) return undefined;
  const raw = prefix.includes("r");
  let value = "";
  // one read of the children: node.child(i) in a loop is quadratic in their number
  for (const part of node.children.slice(1, -1)) {
    if (part.type !== "string_content") return undefined;
    if (raw) {
      value += part.text;
      continue;
    }
    // the content's text with each escape_sequence child replaced by what it stands for
    const text = part.text;
    let at = 0;
    for (const escape of part.children) {
      if (escape.type !== "escape_sequence") continue;
      const from = escape.startIndex - part.startIndex;
      value += text.slice(at, from) + decodeEscape(escape.text);
      at = escape.endIndex - part.startIndex;
    }
    value += text.slice(at);
  }
  return value;
}

/** An integer or float literal's text (`1_000`, `0x1F`, `1e-3`, `.5`) as a finite number. */
export function numberValue(text: string): number | undefined {
  const t = text.replace(/_/g, "").toLowerCase();
  if (/[jl]$/.test(t)) return undefined; // complex
  const n = Number(t); // Number() reads 0x, 0o and 0b as Python does
  return Number.isFinite(n) ? n : undefined;
}

/** Deeper than this a value is not a parameter but an attack on the stack. */
const MAX_DEPTH = 100;

/** The JSON value of a literal expression (numbers, strings, True/False/None, lists, tuples, sets, dicts). */
export function literalValue(node: Node, depth = 0): Literal {
  if (node.hasError || depth > MAX_DEPTH) return NOT_LITERAL;
  switch (node.type) {
    case "integer":
    case "float":
      return numberValue(node.text) ?? NOT_LITERAL;
    case "unary_operator": {
      const op = node.child(0)?.type;
      const arg = node.childForFieldName("argument");
      if ((op !== "-" && op !== "+") || !arg || (arg.type !== "integer" && arg.type !== "float"))
        return NOT_LITERAL;
      const n = numberValue(arg.text);
      return n === undefined ? NOT_LITERAL : op === "-" ? -n : n;
    }
    case "string":
      return stringValue(node) ?? NOT_LITERAL;
    case "concatenated_string": {
      let s = "";
      for (const part of node.namedChildren) {
        const v = stringValue(part);
        if (v === undefined) return NOT_LITERAL;
        s += v;
      }
      return s;
    }
    case "true":
      return true;
    case "false":
      return false;
    case "none":
      return null;
    case "parenthesized_expression": {
      const inner = node.namedChildren.filter((c) => c.type !== "comment");
      return inner.length === 1 ? literalValue(inner[0], depth + 1) : NOT_LITERAL;
    }
    case "list":
    case "tuple":
    case "set": {
      const items: JsonValue[] = [];
      for (const c of node.namedChildren) {
        if (c.type === "comment") continue;
        const v = literalValue(c, depth + 1);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        items.push(v);
      }
      return items;
    }
    case "dictionary": {
      const obj: JsonObject = {};
      for (const pair of node.namedChildren) {
        if (pair.type === "comment") continue;
        if (pair.type !== "pair") return NOT_LITERAL; // **spread
        const k = literalValue(pair.childForFieldName("key")!, depth + 1);
        const v = literalValue(pair.childForFieldName("value")!, depth + 1);
        if (k === NOT_LITERAL || v === NOT_LITERAL) return NOT_LITERAL;
        // JSON keys are strings: Python's json.dumps turns 1, True, None into "1", "true", "null"
        obj[typeof k === "string" ? k : JSON.stringify(k)] = v;
      }
      return obj;
    }
    default:
      return NOT_LITERAL;
  }
}
