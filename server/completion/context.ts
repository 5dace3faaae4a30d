// Reads the completion context at the cursor from the tokens before it. Returns undefined
// everywhere that is not a LaminDB call site, so completion stays silent (and fast) there.
import type { Token } from "../python/tokens";
import { enclosingParen, receiverEndingAt, type Bindings, type Receiver } from "./receiver";

/** A replacement range in UTF-16 offsets of the document. */
export interface Span {
  start: number;
  end: number;
}

export type CompletionContext =
  | { kind: "registries"; prefix: string; span: Span }
  | { kind: "lookupKeys"; registry: string; prefix: string; span: Span }
  | { kind: "fields"; registry: string; method: string; prefix: string; span: Span; quote?: string }
  | {
      kind: "values";
      registry: string;
      method: string;
      keyword: string;
      prefix: string;
      span: Span;
      value: string;
    }
  | { kind: "uids"; registry: string; method: string; prefix: string; span: Span; value: string };

export const FIELD_METHODS = new Set(["filter", "exclude", "get", "get_or_create", "getOrCreate"]);
const DATAFRAME_METHODS = new Set(["to_dataframe", "toDataFrame"]);
export const VALUE_METHODS = new Set(["filter", "exclude", "get", "get_or_create"]);

interface CallSite {
  receiver?: Receiver;
  method: string;
  open: number;
}

function callAt(tokens: Token[], open: number, bindings: Bindings): CallSite | undefined {
  if (open < 1 || tokens[open - 1].type !== "identifier") return undefined;
  const method = tokens[open - 1].text;
  if (open < 3 || tokens[open - 2].type !== ".") return undefined;
  const { receiver } = receiverEndingAt(tokens, open - 3, bindings);
  return { receiver, method, open };
}

function registryOf(r: Receiver | undefined): string | undefined {
  return r && (r.kind === "registry" || r.kind === "queryset") ? r.registry : undefined;
}

/**
 * `before`: tokens that start before the cursor; `after`: the first token at or after it (to find
 * a closing quote); `text`: the document text.
 */
export function contextAt(
  tokens: Token[],
  after: Token | undefined,
  cursor: number,
  text: string,
  bindings: Bindings,
): CompletionContext | undefined {
  if (tokens.length === 0) return undefined;
  const last = tokens[tokens.length - 1];
  if (last.type === "comment" && last.end >= cursor) return undefined;

  // Inside a string: the nearest string delimiter before the cursor is an opening one on this line.
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.type === "string_end") break;
    if (t.type === "string_start") {
      if (t.end > cursor || text.slice(t.end, cursor).includes("\n")) return undefined;
      return stringContext(tokens, i, after, cursor, text, bindings);
    }
  }

  // A word being typed, or nothing yet.
  let i = tokens.length - 1;
  let prefix = "";
  let spanStart = cursor;
  if (last.type === "identifier" && last.end === cursor) {
    prefix = last.text;
    spanStart = last.start;
    i--;
  } else if (last.end > cursor) {
    return undefined; // inside some other token
  }
  if (i < 0) return undefined;
  const span = { start: spanStart, end: cursor };
  const t = tokens[i];
  if (t.type === ".") {
    const { receiver } = receiverEndingAt(tokens, i - 1, bindings);
    if (receiver?.kind === "module") return { kind: "registries", prefix, span };
    if (receiver?.kind === "lookup") return { kind: "lookupKeys", registry: receiver.registry, prefix, span };
    return undefined;
  }
  if (t.type === "(" || t.type === "," || t.type === "{") {
    const open =
      t.type === "("
        ? i
        : t.type === "{"
          ? objectArgumentParen(tokens, i)
          : enclosingArgumentParen(tokens, i - 1);
    if (open < 0) return undefined;
    const call = callAt(tokens, open, bindings);
    const reg = registryOf(call?.receiver);
    if (call && reg && FIELD_METHODS.has(call.method))
      return { kind: "fields", registry: reg, method: call.method, prefix, span };
    return undefined;
  }
  if (t.type === "=" && i >= 1 && tokens[i - 1].text === "include" && prefix === "") {
    const open = enclosingParen(tokens, i - 2);
    const call = open >= 0 ? callAt(tokens, open, bindings) : undefined;
    const reg = registryOf(call?.receiver);
    if (call && reg && DATAFRAME_METHODS.has(call.method))
      return { kind: "fields", registry: reg, method: call.method, prefix, span, quote: '"' };
  }
  return undefined;
}

/** `({` : the "(" of a call whose first argument is the object literal opening at `brace`. */
function objectArgumentParen(tokens: Token[], brace: number): number {
  return brace >= 1 && tokens[brace - 1].type === "(" ? brace - 1 : -1;
}

/** The call's "(" around index `from`: directly, or through the object literal of `({ a, | })`. */
function enclosingArgumentParen(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i >= 0; i--) {
    const t = tokens[i].type;
    if (t === ")" || t === "]" || t === "}") depth++;
    else if (t === "(" || t === "[" || t === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (t === "(") return i;
      if (t === "{") return objectArgumentParen(tokens, i);
      return -1;
    }
  }
  return -1;
}

function stringContext(
  tokens: Token[],
  s: number,
  after: Token | undefined,
  cursor: number,
  text: string,
  bindings: Bindings,
): CompletionContext | undefined {
  const quote = tokens[s];
  if (/^[fFbB]/.test(quote.text) || quote.text.length > 2) return undefined; // f-strings, bytes, triple quotes
  const prefix = text.slice(quote.end, cursor);
  const closing = after && after.type === "string_end" ? after.start : undefined;
  const lineEnd = text.indexOf("\n", cursor);
  const end = closing ?? cursor;
  const value = text.slice(quote.end, closing ?? (lineEnd < 0 ? text.length : lineEnd));
  const span = { start: quote.end, end };
  let i = s - 1;
  // include=["a", "|"]: a list of field names for to_dataframe
  while (
    i >= 0 &&
    (tokens[i].type === "[" ||
      tokens[i].type === "," ||
      tokens[i].type === "string_end" ||
      tokens[i].type === "string_content" ||
      tokens[i].type === "string_start")
  ) {
    if (tokens[i].type === "[") {
      i--;
      break;
    }
    i--;
  }
  if (i < 0) return undefined;
  const t = tokens[i];
  // Python name="x", JavaScript ({ name: "x" })
  const keywordForm = t.type === "=" || t.type === ":";
  if (
    keywordForm &&
    i >= 2 &&
    tokens[i - 1].type === "identifier" &&
    ["(", ",", "{"].includes(tokens[i - 2].type)
  ) {
    const keyword = tokens[i - 1].text;
    const open =
      tokens[i - 2].type === "("
        ? i - 2
        : tokens[i - 2].type === "{"
          ? objectArgumentParen(tokens, i - 2)
          : enclosingArgumentParen(tokens, i - 3);
    if (open < 0) return undefined;
    const call = callAt(tokens, open, bindings);
    const reg = registryOf(call?.receiver);
    if (!call || !reg) return undefined;
    if (DATAFRAME_METHODS.has(call.method) && keyword === "include")
      return { kind: "fields", registry: reg, method: call.method, prefix, span };
    if (VALUE_METHODS.has(call.method))
      return { kind: "values", registry: reg, method: call.method, keyword, prefix, span, value };
    return undefined;
  }
  if (t.type === "(" || t.type === ",") {
    const open = t.type === "(" ? i : enclosingParen(tokens, i - 1);
    if (open < 0 || (t.type === "," && open !== i)) {
      // only the first positional argument is an idlike
      if (t.type === ",") return undefined;
    }
    const call = callAt(tokens, open, bindings);
    const reg = registryOf(call?.receiver);
    if (!call || !reg) return undefined;
    if (call.method === "get" && t.type === "(")
      return { kind: "uids", registry: reg, method: "get", prefix, span, value };
    if (call.method === "search" && t.type === "(")
      return { kind: "values", registry: reg, method: "search", keyword: "", prefix, span, value };
  }
  return undefined;
}
