// Query cells -> scripts: TypeScript's syntax stripped by sucrase, the last expression's value
// returned, top-level await, and a syntax error named with the cell's own line and column. The
// scripts run in a real node:vm context, as lamin/evaluate runs them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import vm from "node:vm";
import { CellSyntaxError, toScript, type CellLanguage } from "../../server/evaluate/transpile";

async function box(code: string, language: CellLanguage = "typescript") {
  const script = new vm.Script(await toScript(code, language), { filename: "cell" });
  return (await script.runInContext(vm.createContext({ Promise }))) as { value: unknown } | undefined;
}

async function run(code: string, language: CellLanguage = "typescript"): Promise<unknown> {
  return (await box(code, language))?.value;
}

async function syntaxErrorOf(code: string, language: CellLanguage = "typescript"): Promise<CellSyntaxError> {
  const e = await toScript(code, language).then(
    () => assert.fail("the cell parsed"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof CellSyntaxError, `a CellSyntaxError, not ${String(e)}`);
  assert.equal(e.name, "SyntaxError");
  return e;
}

describe("query cell transpile", () => {
  test("TypeScript syntax is stripped: annotations, interfaces, type aliases, generics, as, enums", async () => {
    const code = [
      "interface Row { name: string; n: number }",
      "type Key = keyof Row;",
      "enum Color { Red, Green }",
      "const id = <T,>(v: T): T => v;",
      "const rows: Row[] = [{ name: 'a', n: 1 }, { name: 'b', n: 2 }];",
      "const k: Key = 'n';",
      "const total = rows.reduce((s: number, r: Row) => s + (r[k] as number), 0);",
      "id<number>(total) + Color.Green",
    ].join("\n");
    assert.equal(await run(code), 4);
    const script = await toScript(code, "typescript");
    for (const ts of ["interface", ": Row[]", "as number", "<number>"]) assert.ok(!script.includes(ts), ts);
  });

  test("the last expression is the value, boxed; a trailing statement gives none; await works", async () => {
    assert.deepEqual(await run("const x = await Promise.resolve(2);\nx * 21 // the answer"), 42);
    assert.equal(await run("const x: number = 1;"), undefined);
    // a thenable comes back as itself, not awaited into its result
    const boxed = await box("({ then(ok: (v: number) => void) { ok(1); }, tag: 't' })");
    assert.equal((boxed?.value as { tag: string }).tag, "t");
    assert.equal(await run("if (true) { 1 }\n'last'", "javascript"), "last");
  });

  test("JavaScript cells are not rewritten by the TypeScript transform", async () => {
    // `<a>b` would be a type assertion in .ts; in JavaScript a comparison chain
    assert.equal(await run("const a = 1, b = 2;\na < b", "javascript"), true);
  });

  test("a TypeScript syntax error names the cell's line and column", async () => {
    const e = await syntaxErrorOf("const ok = 1;\nconst x: = 2;");
    assert.equal(e.line, 2);
    assert.equal(e.column, 10);
    assert.match(e.message, /^Unexpected token \(line 2, column 10\)$/);
  });

  test("a JavaScript syntax error names the cell's line and column", async () => {
    const e = await syntaxErrorOf("const a = 1;\n\nlet b = a +* 2;", "javascript");
    assert.deepEqual([e.line, e.column], [3, 12]);
    assert.match(e.message, /line 3, column 12/);
  });

  test("an error found after the types were stripped keeps the cell's line", async () => {
    // sucrase accepts this (it only strips types); the JavaScript parser then rejects it
    const e = await syntaxErrorOf("type A = string;\nconst a: A = 'x';\nlet let = a;");
    assert.equal(e.line, 3);
  });

  test("import statements are a clear syntax error, not a crash", async () => {
    const e = await syntaxErrorOf('import fs from "node:fs";\nfs', "typescript");
    assert.equal(e.line, 1);
    assert.match(e.message, /import/);
  });
});
