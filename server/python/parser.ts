// Python (and the JavaScript/TypeScript of query cells) through tree-sitter: web-tree-sitter and the
// grammars of @vscode/tree-sitter-wasm. Both
// stay external to the bundle: web-tree-sitter finds its .wasm beside its own module. Trees are
// cached per document version; they are small (one cell, one file) and parse in well under 1 ms.
import { Language, Parser, type Node, type Tree } from "web-tree-sitter";

export type SourceLanguage = "python" | "javascript" | "typescript";

const GRAMMARS: Record<SourceLanguage, string> = {
  python: "tree-sitter-python.wasm",
  javascript: "tree-sitter-javascript.wasm",
  typescript: "tree-sitter-typescript.wasm",
};
const parsers = new Map<SourceLanguage, Promise<Parser>>();

export function parserFor(language: SourceLanguage): Promise<Parser> {
  let p = parsers.get(language);
  if (!p) {
    p = (async () => {
      await Parser.init();
      const wasm = require.resolve(`@vscode/tree-sitter-wasm/wasm/${GRAMMARS[language]}`);
      const parser = new Parser();
      parser.setLanguage(await Language.load(wasm));
      return parser;
    })();
    parsers.set(language, p);
  }
  return p;
}

export function pythonParser(): Promise<Parser> {
  return parserFor("python");
}

const trees = new Map<string, { version: number; text: string; tree: Tree }>();

/** The tree of a document's current text (re-parsed only when the version changed). */
export async function treeFor(
  uri: string,
  version: number,
  text: string,
  language: SourceLanguage = "python",
): Promise<Tree | undefined> {
  const cached = trees.get(uri);
  if (cached && cached.version === version && cached.text.length === text.length) return cached.tree;
  const parser = await parserFor(language);
  const tree = parser.parse(text);
  if (!tree) return undefined;
  cached?.tree.delete();
  trees.set(uri, { version, text, tree });
  return tree;
}

export function forgetTree(uri: string): void {
  trees.get(uri)?.tree.delete();
  trees.delete(uri);
}

export type { Node, Tree };
