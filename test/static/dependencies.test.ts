// Dependencies whose private parts or binary formats the code relies on are pinned exactly, and what
// is installed is what is pinned: knex (connection/pooled-query.ts reaches its pool), and web-tree-sitter
// with the grammars of @vscode/tree-sitter-wasm (a grammar's .wasm is built for one runtime's ABI).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";

const root = resolve(__dirname, "../..");
const manifest = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  activationEvents: string[];
};

function installedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(resolve(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string }>;
  };
  const installed = JSON.parse(readFileSync(resolve(root, "node_modules", name, "package.json"), "utf8")) as {
    version: string;
  };
  assert.equal(lock.packages[`node_modules/${name}`].version, installed.version, `${name}: lock and install`);
  return installed.version;
}

test("knex, web-tree-sitter and @vscode/tree-sitter-wasm are pinned exactly, and installed as pinned", () => {
  for (const name of ["knex", "web-tree-sitter", "@vscode/tree-sitter-wasm"]) {
    const pinned = manifest.dependencies[name];
    assert.match(pinned, /^\d+\.\d+\.\d+$/, `${name} is pinned to one version, not ${pinned}`);
    assert.equal(installedVersion(name), pinned, `${name} installed as pinned`);
  }
});

test("activation: no onCommand events (VS Code derives them from the contributed commands)", () => {
  assert.deepEqual(
    manifest.activationEvents.filter((e) => e.startsWith("onCommand:") || e === "*"),
    [],
  );
});
