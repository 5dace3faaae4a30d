// The lint rule that keeps the code free of import cycles (eslint.config.mjs: import-x/no-cycle),
// run with the project's own configuration on small modules made for the purpose.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { ESLint } from "eslint";

const CONFIG = resolve(__dirname, "../../eslint.config.mjs");

describe("import cycles fail the lint", () => {
  let dir: string;
  let eslint: ESLint;
  const write = (path: string, text: string) => writeFileSync(join(dir, path), text);
  const cycleErrors = async (file: string) =>
    (await eslint.lintFiles([join(dir, file)]))[0].messages.filter((m) => m.ruleId === "import-x/no-cycle");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lamin-cycle-"));
    mkdirSync(join(dir, "db"));
    write("db/a.ts", `import { b } from "./b";\nexport const a = () => b() + 1;\n`);
    write("db/b.ts", `import { c } from "./c";\nexport const b = () => c();\n`);
    write("db/c.ts", `import { a } from "./a";\nexport const c = () => (a ? 1 : 0);\n`);
    // a cycle through `await import()` is still a cycle
    write("db/d.ts", `export async function d() {\n  return (await import("./e")).e;\n}\n`);
    write("db/e.ts", `import { d } from "./d";\nexport const e = d;\n`);
    // types are erased: registries may name each other's types
    write("db/f.ts", `import type { G } from "./g";\nexport interface F {\n  g?: G;\n}\n`);
    write("db/g.ts", `import type { F } from "./f";\nexport interface G {\n  f?: F;\n}\n`);
    eslint = new ESLint({ cwd: dir, overrideConfigFile: CONFIG });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a cycle through three modules", async () => {
    const errors = await cycleErrors("db/a.ts");
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /Dependency cycle/);
  });

  test("a cycle through a dynamic import", async () => {
    assert.equal((await cycleErrors("db/e.ts")).length, 1);
  });

  test("not a cycle of type-only imports", async () => {
    assert.deepEqual(await cycleErrors("db/f.ts"), []);
  });
});
