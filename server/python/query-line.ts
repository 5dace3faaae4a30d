// The runs explorer's one-line, Python-style query, read into a lamin/toDataFrame request:
//   Run.filter(status="errored", transform__key__startswith="analysis").to_dataframe(include="created_by__handle")
// Its tokens and literals come from the Python grammar the server loads (literals.ts), so the line and
// the parameters cell read strings, escapes and numbers alike; the grammar's recovery from a broken
// line is not needed, only its tokens: the small parser below says what is wrong and where.
import type { JsonValue } from "../../db/shapes";
import type { ParsedQuery, ParseResult } from "../protocol";
import { numberValue, stringValue } from "./literals";
import { pythonParser, type Node } from "./parser";
import { tokensOf } from "./tokens";

/** Longer than any query typed on one line; a pasted novel is an error, not work. */
const MAX_QUERY = 10_000;

type TokenKind = "name" | "string" | "number" | "punct" | "end";
interface Token {
  kind: TokenKind;
  text: string;
  /** undefined for a string or number that is not a plain literal (an f-string, bytes, 1j) */
  value?: string | number;
  start: number;
  end: number;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

const PUNCTUATION = new Set(["(", ")", ".", ",", "=", "[", "]"]);

/** The grammar's tokens as the parser's: names, literals (strings whole, signed numbers) and punctuation. */
function tokenize(root: Node, text: string): Token[] {
  const leaves = tokensOf(root);
  const tokens: Token[] = [];
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i];
    if (leaf.type === "string_start") {
      const node = root.descendantForIndex(leaf.start, leaf.end)?.parent;
      const whole = node?.parent?.type === "concatenated_string" ? node.parent : node;
      const terminated =
        node?.type === "string" && node.lastChild?.type === "string_end" && !node.lastChild.isMissing;
      if (!whole || !terminated) throw new ParseError("Unterminated string", leaf.start, text.length);
      const parts = whole.type === "concatenated_string" ? whole.namedChildren : [whole];
      const values = parts.map(stringValue);
      tokens.push({
        kind: "string",
        text: whole.text,
        value: values.every((v) => v !== undefined) ? values.join("") : undefined,
        start: whole.startIndex,
        end: whole.endIndex,
      });
      while (i + 1 < leaves.length && leaves[i + 1].start < whole.endIndex) i++;
    } else if (leaf.type === "integer" || leaf.type === "float") {
      tokens.push({
        kind: "number",
        text: leaf.text,
        value: numberValue(leaf.text),
        start: leaf.start,
        end: leaf.end,
      });
    } else if (
      leaf.type === "-" &&
      (leaves[i + 1]?.type === "integer" || leaves[i + 1]?.type === "float") &&
      leaves[i + 1].start === leaf.end
    ) {
      const n = leaves[++i];
      const v = numberValue(n.text);
      tokens.push({
        kind: "number",
        text: `-${n.text}`,
        value: v === undefined ? undefined : -v,
        start: leaf.start,
        end: n.end,
      });
    } else if (/^[A-Za-z_]\w*$/.test(leaf.text)) {
      tokens.push({ kind: "name", text: leaf.text, start: leaf.start, end: leaf.end });
    } else if (PUNCTUATION.has(leaf.type) && leaf.text === leaf.type) {
      tokens.push({ kind: "punct", text: leaf.text, start: leaf.start, end: leaf.end });
    } else {
      throw new ParseError(`Unexpected character ${JSON.stringify(leaf.text)}`, leaf.start, leaf.end);
    }
  }
  tokens.push({ kind: "end", text: "", start: text.length, end: text.length });
  return tokens;
}

interface Arg {
  name?: Token;
  value: JsonValue;
  start: number;
  end: number;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.i];
  }
  next(): Token {
    return this.tokens[Math.min(this.i++, this.tokens.length - 1)];
  }
  isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === p;
  }
  expectPunct(p: string, what = `"${p}"`): Token {
    const t = this.peek();
    if (t.kind !== "punct" || t.text !== p)
      throw new ParseError(`Expected ${what}${describeFound(t)}`, t.start, Math.max(t.end, t.start + 1));
    return this.next();
  }
  expectName(what: string): Token {
    const t = this.peek();
    if (t.kind !== "name")
      throw new ParseError(`Expected ${what}${describeFound(t)}`, t.start, Math.max(t.end, t.start + 1));
    return this.next();
  }

  value(): JsonValue {
    const t = this.peek();
    if (t.kind === "string" || t.kind === "number") {
      this.next();
      if (t.value === undefined)
        throw new ParseError(
          `Only literals are allowed here (strings, numbers, True, False, None, lists), not ${t.text}`,
          t.start,
          t.end,
        );
      return t.value;
    }
    if (t.kind === "name") {
      this.next();
      if (t.text === "True") return true;
      if (t.text === "False") return false;
      if (t.text === "None") return null;
      throw new ParseError(
        `Only literals are allowed here (strings, numbers, True, False, None, lists), not ${t.text}`,
        t.start,
        t.end,
      );
    }
    if (this.isPunct("[") || this.isPunct("(")) {
      const close = this.next().text === "[" ? "]" : ")";
      const items: JsonValue[] = [];
      while (!this.isPunct(close)) {
        items.push(this.value());
        if (!this.isPunct(close)) this.expectPunct(",", `"," or "${close}"`);
      }
      this.next();
      return items;
    }
    throw new ParseError(`Expected a value${describeFound(t)}`, t.start, Math.max(t.end, t.start + 1));
  }

  args(): Arg[] {
    this.expectPunct("(");
    const args: Arg[] = [];
    while (!this.isPunct(")")) {
      const start = this.peek().start;
      let name: Token | undefined;
      const t = this.peek();
      const after = this.tokens[this.i + 1];
      if (t.kind === "name" && after?.kind === "punct" && after.text === "=") {
        name = this.next();
        this.next();
      }
      const value = this.value();
      args.push({ name, value, start, end: this.tokens[this.i - 1].end });
      if (!this.isPunct(")")) this.expectPunct(",", `"," or ")"`);
    }
    this.next();
    return args;
  }
}

function describeFound(t: Token): string {
  return t.kind === "end" ? " at the end of the query" : `, found ${JSON.stringify(t.text)}`;
}

const stringList = (v: JsonValue): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Applies one method call to the query; throws ParseError with the call's position. */
function apply(query: ParsedQuery, method: Token, args: Arg[], seen: Set<string>): void {
  const keywords = (allowed: string[]) => {
    for (const a of args) {
      if (!a.name) throw new ParseError(`${method.text}() takes keyword arguments only`, a.start, a.end);
      if (allowed.length && !allowed.includes(a.name.text))
        throw new ParseError(
          `${method.text}() has no argument ${a.name.text}; use ${allowed.join(", ")}`,
          a.name.start,
          a.name.end,
        );
    }
  };
  switch (method.text) {
    case "filter":
      keywords([]);
      for (const a of args) {
        const key = a.name!.text;
        if (key in query.filter) throw new ParseError(`${key} is given twice`, a.name!.start, a.name!.end);
        query.filter[key] = a.value;
      }
      return;
    case "all":
      if (args.length) throw new ParseError("all() takes no arguments", args[0].start, args[0].end);
      return;
    case "order_by": {
      const a = args[0];
      if (args.length !== 1 || a.name || typeof a.value !== "string")
        throw new ParseError(
          'order_by() takes one field name, e.g. order_by("-started_at")',
          method.start,
          method.end,
        );
      query.orderBy = a.value;
      return;
    }
    case "to_dataframe":
    case "df": {
      if (seen.has("to_dataframe"))
        throw new ParseError("to_dataframe() is given twice", method.start, method.end);
      seen.add("to_dataframe");
      keywords(["include", "features", "limit"]);
      for (const a of args) {
        const name = a.name!.text;
        if (name === "include") {
          if (typeof a.value !== "string" && !stringList(a.value))
            throw new ParseError("include is a field path or a list of them", a.start, a.end);
          query.include = a.value;
        } else if (name === "features") {
          if (typeof a.value !== "boolean" && !stringList(a.value))
            throw new ParseError("features is True, False or a list of feature names", a.start, a.end);
          query.features = a.value;
        } else {
          if (a.value !== null && (typeof a.value !== "number" || !Number.isInteger(a.value) || a.value < 0))
            throw new ParseError("limit is a non-negative integer or None", a.start, a.end);
          query.limit = a.value;
        }
      }
      return;
    }
    case "exclude":
      throw new ParseError(
        "exclude() is not supported in the explorer; use a query cell (ln.Run.filter(...).exclude(...))",
        method.start,
        method.end,
      );
    default:
      throw new ParseError(
        `Unknown method ${method.text}(); use filter(), order_by(), all() or to_dataframe()`,
        method.start,
        method.end,
      );
  }
}

/** Parses `[ln.]Registry.filter(...)...[.to_dataframe(...)]`; an empty query is an error. */
export async function parseQuery(text: string): Promise<ParseResult> {
  if (typeof text !== "string")
    return { ok: false, error: { message: "The query must be text", start: 0, end: 0 } };
  if (text.length > MAX_QUERY)
    return {
      ok: false,
      error: {
        message: `The query is longer than ${MAX_QUERY} characters`,
        start: MAX_QUERY,
        end: text.length,
      },
    };
  const tree = (await pythonParser()).parse(text);
  if (!tree)
    return { ok: false, error: { message: "The query could not be read", start: 0, end: text.length } };
  try {
    const p = new Parser(tokenize(tree.rootNode, text));
    let head = p.expectName("a registry, e.g. Run");
    if ((head.text === "ln" || head.text === "lamindb") && p.isPunct(".")) {
      p.next();
      head = p.expectName("a registry after ln., e.g. Run");
    }
    if (!/^[A-Z]/.test(head.text))
      throw new ParseError(`Expected a registry name such as Run, found ${head.text}`, head.start, head.end);
    const query: ParsedQuery = { registry: head.text, filter: {} };
    const seen = new Set<string>();
    while (p.isPunct(".")) {
      p.next();
      if (seen.has("to_dataframe")) {
        const t = p.peek();
        throw new ParseError("to_dataframe() must come last", t.start, Math.max(t.end, t.start + 1));
      }
      const method = p.expectName("a method name, e.g. filter");
      apply(query, method, p.args(), seen);
    }
    const rest = p.peek();
    if (rest.kind !== "end")
      throw new ParseError(`Unexpected ${JSON.stringify(rest.text)}`, rest.start, text.length);
    return { ok: true, query };
  } catch (e) {
    if (e instanceof ParseError)
      return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    throw e;
  } finally {
    tree.delete();
  }
}
