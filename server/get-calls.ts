// The `.get(...)` calls of a tree and their literal keyword values, in both spellings of the API:
// Python `ln.ULabel.get(name="CD8")` and JavaScript/TypeScript `ln.ULabel.get({ name: "CD8" })`.
// Only plain literals count: f-strings, template strings with substitutions and strings with escapes
// are skipped, because their source text is not the value the call compares.
import type { Node, SourceLanguage } from "./python/parser";

export interface LiteralArgument {
  keyword: string;
  value: string;
  /** UTF-16 offsets of the value's text, without its quotes (the quick fix replaces exactly this). */
  start: number;
  end: number;
}

export interface GetCall {
  /** The expression `.get` is called on (`ln.ULabel`, a query set, a variable). */
  object: Node;
  args: LiteralArgument[];
}

/** How each grammar spells `object.get(arguments)`, and the literal keyword values of the arguments. */
interface Grammar {
  call: string;
  member: string;
  property: string;
  literals(args: Node): LiteralArgument[];
}
const PYTHON: Grammar = {
  call: "call",
  member: "attribute",
  property: "attribute",
  literals: keywordLiterals,
};
const SCRIPT: Grammar = {
  call: "call_expression",
  member: "member_expression",
  property: "property",
  literals: objectLiterals,
};

export function getCalls(root: Node, language: SourceLanguage): GetCall[] {
  const grammar = language === "python" ? PYTHON : SCRIPT;
  const out: GetCall[] = [];
  for (const call of root.descendantsOfType(grammar.call)) {
    const fn = call?.childForFieldName("function");
    if (fn?.type !== grammar.member || fn.childForFieldName(grammar.property)?.text !== "get") continue;
    const object = fn.childForFieldName("object");
    const args = call!.childForFieldName("arguments");
    if (object) out.push({ object, args: args ? grammar.literals(args) : [] });
  }
  return out;
}

/** Python: `get(name="CD8")`, keyword arguments whose value is a plain string (not an f-string). */
function keywordLiterals(args: Node): LiteralArgument[] {
  const out: LiteralArgument[] = [];
  for (const arg of args.namedChildren) {
    if (arg?.type !== "keyword_argument") continue;
    const value = arg.childForFieldName("value");
    if (value?.type !== "string") continue;
    const content = value.namedChildren.filter((c) => c?.type === "string_content");
    if (content.length !== 1 || value.namedChildren.some((c) => c?.type === "interpolation")) continue;
    out.push(literal(arg.childForFieldName("name")?.text ?? "", content[0]!));
  }
  return out;
}

/** JavaScript/TypeScript: `get({ name: "CD8" })`, the pairs of object arguments (keys bare or quoted). */
function objectLiterals(args: Node): LiteralArgument[] {
  const out: LiteralArgument[] = [];
  for (const arg of args.namedChildren) {
    if (arg?.type !== "object") continue;
    for (const pair of arg.namedChildren) {
      if (pair?.type !== "pair") continue;
      const key = pair.childForFieldName("key");
      const keyword = key?.type === "property_identifier" ? key.text : key && scriptLiteral(key)?.text;
      const value = pair.childForFieldName("value");
      const content = value && scriptLiteral(value);
      if (keyword && content) out.push(literal(keyword, content));
    }
  }
  return out;
}

/** The one text fragment of "…", '…' or `…` without substitutions or escapes; else undefined. */
function scriptLiteral(node: Node): Node | undefined {
  if (node.type !== "string" && node.type !== "template_string") return undefined;
  const parts = node.namedChildren;
  return parts.length === 1 && parts[0]?.type === "string_fragment" ? parts[0] : undefined;
}

function literal(keyword: string, content: Node): LiteralArgument {
  return { keyword, value: content.text, start: content.startIndex, end: content.endIndex };
}
