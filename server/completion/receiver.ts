// What an expression before `.` or `(` stands for, read backwards from its last token:
// `ln` (the module), `ln.ULabel` (a registry), `ln.Run.filter(...)` (a query set of Run),
// `ln.ULabel.lookup()` or a variable assigned from it (a lookup of ULabel).
import type { Token } from "../python/tokens";
import { registry } from "../data/registries";

export type Receiver =
  | { kind: "module" }
  | { kind: "registry"; registry: string }
  | { kind: "queryset"; registry: string }
  | { kind: "lookup"; registry: string };

/** Variables bound to a receiver by an earlier assignment (this document or earlier cells). */
export type Bindings = ReadonlyMap<string, Receiver>;

const MODULE_NAMES = new Set(["ln", "lamindb"]);
const QUERYSET_METHODS = new Set([
  "filter",
  "exclude",
  "all",
  "order_by",
  "search",
  "distinct",
  "latest_version",
]);
const CLOSE_TO_OPEN: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Index of the bracket that closes at `end`'s matching opener, scanning back from `end` (a closer). */
export function matchingOpen(tokens: Token[], end: number): number {
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    const t = tokens[i].type;
    if (t in CLOSE_TO_OPEN) depth++;
    else if (t === "(" || t === "[" || t === "{") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The unclosed "(" that encloses position `from` (scanning back from index `from`, inclusive). */
export function enclosingParen(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i >= 0; i--) {
    const t = tokens[i].type;
    if (t in CLOSE_TO_OPEN) depth++;
    else if (t === "(" || t === "[" || t === "{") {
      if (depth === 0) return t === "(" ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** The receiver whose expression ends at token index `end`; also its first token index. */
export function receiverEndingAt(
  tokens: Token[],
  end: number,
  bindings: Bindings,
): { receiver?: Receiver; start: number } {
  if (end < 0) return { start: end };
  const last = tokens[end];
  if (last.type === ")") {
    const open = matchingOpen(tokens, end);
    if (open < 2 || tokens[open - 1].type !== "identifier" || tokens[open - 2].type !== ".")
      return { start: open };
    const method = tokens[open - 1].text;
    const base = receiverEndingAt(tokens, open - 3, bindings);
    const r = base.receiver;
    if (r && (r.kind === "registry" || r.kind === "queryset")) {
      if (method === "lookup")
        return { receiver: { kind: "lookup", registry: r.registry }, start: base.start };
      if (QUERYSET_METHODS.has(method))
        return { receiver: { kind: "queryset", registry: r.registry }, start: base.start };
    }
    return { start: base.start };
  }
  if (last.type !== "identifier") return { start: end };
  if (end >= 2 && tokens[end - 1].type === ".") {
    const base = receiverEndingAt(tokens, end - 2, bindings);
    if (base.receiver?.kind === "module" && registry(last.text)) {
      return { receiver: { kind: "registry", registry: last.text }, start: base.start };
    }
    return { start: base.start };
  }
  if (MODULE_NAMES.has(last.text)) return { receiver: { kind: "module" }, start: end };
  return { receiver: bindings.get(last.text), start: end };
}
