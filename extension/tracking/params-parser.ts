// Parses a papermill "parameters" cell (`name = <python literal>` lines) into JSON, without Python.
// Values that are not plain literals (calls, names, f-strings, arithmetic) are skipped, not guessed:
// LaminDB drops what it cannot serialise too. None and empty lists are dropped, as ln.track() does.
import type { JsonObject, JsonValue } from "../../db/shapes";

type Token =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "name"; v: string }
  | { t: "punct"; v: string }
  | { t: "newline" };

const SKIP = Symbol("skip");
type Parsed = JsonValue | typeof SKIP;

/** Parses `source` into {name: value}; later assignments win, unparseable ones are ignored. */
export function parseParameters(source: string): JsonObject {
  const out: JsonObject = {};
  for (const statement of statements(source)) {
    const assignment = parseAssignment(statement);
    if (!assignment) continue;
    const [name, value] = assignment;
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      delete out[name];
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** Splits tokens into logical lines: newlines inside brackets do not end a statement. */
function statements(source: string): Token[][] {
  const result: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch {
    return statementsLineByLine(source);
  }
  for (const tok of tokens) {
    if (tok.t === "punct" && "([{".includes(tok.v)) depth++;
    if (tok.t === "punct" && ")]}".includes(tok.v)) depth = Math.max(0, depth - 1);
    if ((tok.t === "newline" && depth === 0) || (tok.t === "punct" && tok.v === ";" && depth === 0)) {
      if (current.length) result.push(current);
      current = [];
    } else if (tok.t !== "newline") {
      current.push(tok);
    }
  }
  if (current.length) result.push(current);
  return result;
}

/** Fallback when the whole cell does not tokenize (say, an unterminated string): line by line. */
function statementsLineByLine(source: string): Token[][] {
  const result: Token[][] = [];
  for (const line of source.split(/\r?\n/)) {
    try {
      const toks = tokenize(line).filter((t) => t.t !== "newline");
      if (toks.length) result.push(toks);
    } catch {
      // skip the line
    }
  }
  return result;
}

const PREFIXED_STRING = /^([rRbBuU]{1,2})?("""|'''|"|')/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      tokens.push({ t: "newline" });
      i++;
    } else if (c === "\\" && src[i + 1] === "\n") {
      i += 2; // explicit line continuation
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (PREFIXED_STRING.test(src.slice(i, i + 5))) {
      const m = PREFIXED_STRING.exec(src.slice(i, i + 5))!;
      const prefix = (m[1] ?? "").toLowerCase();
      const quote = m[2];
      const [value, end] = readString(src, i + m[0].length, quote, prefix.includes("r"));
      // bytes and f-strings are not JSON-able literals
      tokens.push(prefix.includes("b") ? { t: "name", v: "<bytes>" } : { t: "str", v: value });
      i = end;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m =
        /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?)/.exec(
          src.slice(i),
        )!;
      const text = m[0].replace(/_/g, "");
      const v = /^0[xob]/i.test(text) ? Number(text.toLowerCase()) : Number(text);
      tokens.push({ t: "num", v });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      // f"...": an interpolated string is an expression, not a literal
      if (/^[fF][rR]?$|^[rR][fF]$/.test(m[0]) && /["']/.test(src[i + m[0].length] ?? "")) {
        const q = src.startsWith(src[i + m[0].length].repeat(3), i + m[0].length)
          ? src[i + m[0].length].repeat(3)
          : src[i + m[0].length];
        const [, end] = readString(src, i + m[0].length + q.length, q, true);
        tokens.push({ t: "name", v: "<fstring>" });
        i = end;
      } else {
        tokens.push({ t: "name", v: m[0] });
        i += m[0].length;
      }
    } else {
      tokens.push({ t: "punct", v: c });
      i++;
    }
  }
  return tokens;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

function readString(src: string, start: number, quote: string, raw: boolean): [string, number] {
  let i = start;
  let value = "";
  while (i < src.length) {
    if (src.startsWith(quote, i)) return [value, i + quote.length];
    const c = src[i];
    if (c === "\n" && quote.length === 1) break;
    if (c === "\\" && i + 1 < src.length) {
      const n = src[i + 1];
      if (raw) {
        value += c + n;
      } else if (n === "\n") {
        // escaped newline: nothing
      } else if (n === "x" || n === "u" || n === "U") {
        const len = n === "x" ? 2 : n === "u" ? 4 : 8;
        value += String.fromCodePoint(parseInt(src.slice(i + 2, i + 2 + len), 16));
        i += len;
      } else {
        value += ESCAPES[n] ?? c + n;
      }
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new Error("unterminated string");
}

function parseAssignment(tokens: Token[]): [string, JsonValue] | undefined {
  if (tokens.length < 3 || tokens[0].t !== "name") return undefined;
  let pos = 1;
  // annotated assignment: `x: int = 3` (a bare annotation without value has nothing to record)
  if (tokens[pos].t === "punct" && (tokens[pos] as { v: string }).v === ":") {
    while (pos < tokens.length && !(tokens[pos].t === "punct" && (tokens[pos] as { v: string }).v === "="))
      pos++;
  }
  const eq = tokens[pos];
  if (!eq || eq.t !== "punct" || eq.v !== "=") return undefined;
  // `a = b = 1` and `a == 1` are not parameter lines
  if (tokens[pos + 1]?.t === "punct" && (tokens[pos + 1] as { v: string }).v === "=") return undefined;
  const parser = new LiteralParser(tokens, pos + 1);
  const value = parser.value();
  if (value === SKIP || !parser.atEnd()) return undefined;
  return [tokens[0].v as string, value];
}

class LiteralParser {
  constructor(
    private readonly tokens: Token[],
    private pos: number,
  ) {}

  atEnd(): boolean {
    return this.pos === this.tokens.length;
  }

  value(): Parsed {
    const tok = this.tokens[this.pos];
    if (!tok) return SKIP;
    if (tok.t === "punct" && (tok.v === "-" || tok.v === "+")) {
      this.pos++;
      const next = this.tokens[this.pos];
      if (next?.t !== "num") return SKIP;
      this.pos++;
      return tok.v === "-" ? -next.v : next.v;
    }
    if (tok.t === "num") {
      this.pos++;
      return Number.isFinite(tok.v) ? tok.v : SKIP;
    }
    if (tok.t === "str") {
      // implicit concatenation: "a" "b"
      let s = "";
      while (this.tokens[this.pos]?.t === "str") s += (this.tokens[this.pos++] as { v: string }).v;
      return s;
    }
    if (tok.t === "name") {
      this.pos++;
      if (tok.v === "True") return true;
      if (tok.v === "False") return false;
      if (tok.v === "None") return null;
      return SKIP;
    }
    if (tok.t !== "punct") return SKIP;
    if (tok.v === "[") return this.sequence("]");
    if (tok.v === "(") return this.sequence(")");
    if (tok.v === "{") return this.mapping();
    return SKIP;
  }

  private isPunct(v: string): boolean {
    const tok = this.tokens[this.pos];
    return tok?.t === "punct" && tok.v === v;
  }

  private sequence(close: string): Parsed {
    this.pos++;
    const items: JsonValue[] = [];
    let sawComma = false;
    while (!this.isPunct(close)) {
      const v = this.value();
      if (v === SKIP) return SKIP;
      items.push(v);
      if (this.isPunct(",")) {
        this.pos++;
        sawComma = true;
      } else if (!this.isPunct(close)) return SKIP;
    }
    this.pos++;
    // `(1)` is just 1 in parentheses, `(1,)` is a tuple
    if (close === ")" && items.length === 1 && !sawComma) return items[0];
    return items;
  }

  private mapping(): Parsed {
    this.pos++;
    const obj: JsonObject = {};
    let isSet = false;
    const setItems: JsonValue[] = [];
    while (!this.isPunct("}")) {
      const k = this.value();
      if (k === SKIP) return SKIP;
      if (this.isPunct(":")) {
        this.pos++;
        const v = this.value();
        if (v === SKIP || isSet) return SKIP;
        // JSON keys are strings: Python's json.dumps turns 1, True, None into "1", "true", "null"
        obj[typeof k === "string" ? k : JSON.stringify(k)] = v;
      } else {
        isSet = true; // {1, 2}: a set, recorded as a list
        setItems.push(k);
      }
      if (this.isPunct(",")) this.pos++;
      else if (!this.isPunct("}")) return SKIP;
    }
    this.pos++;
    return isSet ? setItems : obj;
  }
}
