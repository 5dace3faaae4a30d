// Whether a notebook calls LaminDB's own tracking (`ln.track()`), read from its parsed source with
// tree-sitter: calls in comments or strings are not nodes of the tree, so they never count. A notebook
// that does is adopted (server/tracking/adoption.ts) instead of tracked as a run of the extension's own.
import { InvalidArgument } from "../../db/index";
import { literalValue, NOT_LITERAL, stringValue } from "./literals";
import { pythonParser, type Node } from "./parser";

/** One `track(...)` call of LaminDB, with the arguments LaminDB resolves the transform and run by. */
export interface LaminTrackCall {
  /** The uid literal: 12 characters (a transform family's stem) or 16 (exactly one version). */
  uid?: string;
  key?: string;
  newRun?: boolean;
  /** 0-based line of the call in the source. */
  line: number;
}

export interface LaminTracking {
  track: LaminTrackCall[];
  /** Whether the source calls `ln.finish()` too. */
  finish: boolean;
}

const UID = /^[A-Za-z0-9]{12}(?:[A-Za-z0-9]{4})?$/;

/** The module names LaminDB is conventionally imported as, whether or not this source imports it. */
const CONVENTIONAL = ["ln", "lamindb"];

/**
 * LaminDB's tracking calls in a Python source, or undefined when there is no `track()` call (nor a
 * `finish()` one, with `finishAlone`: a cell of its own).
 */
export async function detectLaminTracking(
  source: string,
  finishAlone = false,
): Promise<LaminTracking | undefined> {
  const parser = await pythonParser();
  const tree = parser.parse(source);
  if (!tree) return undefined;
  try {
    const modules = new Set(CONVENTIONAL);
    const functions = new Map<string, "track" | "finish">();
    for (const node of tree.rootNode.descendantsOfType(["import_statement", "import_from_statement"])) {
      if (node) readImport(node, modules, functions);
    }
    const result: LaminTracking = { track: [], finish: false };
    for (const call of tree.rootNode.descendantsOfType("call")) {
      if (!call) continue;
      const which = calledFunction(call.childForFieldName("function"), modules, functions);
      if (which === "finish") result.finish = true;
      if (which === "track") result.track.push(trackCall(call));
    }
    return result.track.length || (finishAlone && result.finish) ? result : undefined;
  } finally {
    tree.delete();
  }
}

/** Bigger code is not a notebook cell: nothing is parsed. */
const MAX_CODE = 1_000_000;

/** lamin/laminCalls: whether a cell's code calls ln.track() / ln.finish(). */
export async function laminCalls(code: unknown): Promise<{ track: boolean; finish: boolean }> {
  if (typeof code !== "string") throw new InvalidArgument("code must be a string");
  if (code.length > MAX_CODE) throw new InvalidArgument(`code is longer than ${MAX_CODE} characters`);
  const found = await detectLaminTracking(code, true);
  return { track: (found?.track.length ?? 0) > 0, finish: found?.finish ?? false };
}

/** `import lamindb [as x]`, `from lamindb import track [as t], finish`. */
function readImport(node: Node, modules: Set<string>, functions: Map<string, "track" | "finish">): void {
  if (node.type === "import_statement") {
    for (const name of node.childrenForFieldName("name")) {
      if (!name) continue;
      if (name.type === "dotted_name" && name.text === "lamindb") modules.add("lamindb");
      if (name.type === "aliased_import" && name.childForFieldName("name")?.text === "lamindb") {
        const alias = name.childForFieldName("alias")?.text;
        if (alias) modules.add(alias);
      }
    }
    return;
  }
  if (node.childForFieldName("module_name")?.text !== "lamindb") return;
  for (const name of node.childrenForFieldName("name")) {
    if (!name) continue;
    const [imported, local] =
      name.type === "aliased_import"
        ? [name.childForFieldName("name")?.text, name.childForFieldName("alias")?.text]
        : [name.text, name.text];
    if ((imported === "track" || imported === "finish") && local) functions.set(local, imported);
  }
}

function calledFunction(
  fn: Node | null,
  modules: Set<string>,
  functions: Map<string, "track" | "finish">,
): "track" | "finish" | undefined {
  if (!fn) return undefined;
  if (fn.type === "identifier") return functions.get(fn.text);
  if (fn.type !== "attribute") return undefined;
  const object = fn.childForFieldName("object");
  const attribute = fn.childForFieldName("attribute")?.text;
  if (object?.type !== "identifier" || !modules.has(object.text)) return undefined;
  return attribute === "track" || attribute === "finish" ? attribute : undefined;
}

function trackCall(call: Node): LaminTrackCall {
  const out: LaminTrackCall = { line: call.startPosition.row };
  const args = call.childForFieldName("arguments");
  let positional = 0;
  for (const arg of args?.namedChildren ?? []) {
    if (!arg || arg.type === "comment") continue;
    if (arg.type === "keyword_argument") {
      const name = arg.childForFieldName("name")?.text;
      const value = arg.childForFieldName("value");
      if (!value) continue;
      if (name === "uid" || name === "transform") setUid(out, value);
      else if (name === "key") {
        const key = value.type === "string" ? stringValue(value) : undefined;
        if (key) out.key = key;
      } else if (name === "new_run") {
        const v = literalValue(value);
        if (v !== NOT_LITERAL && typeof v === "boolean") out.newRun = v;
      }
    } else if (positional++ === 0) setUid(out, arg);
  }
  return out;
}

function setUid(out: LaminTrackCall, value: Node): void {
  const uid = value.type === "string" ? stringValue(value) : undefined;
  if (uid !== undefined && UID.test(uid)) out.uid = uid;
}
