// The lint rules that keep the direction of dependency (eslint.config.mjs) fail on violating imports,
// from the top of a folder and from its subfolders alike, and pass the allowed ones. The files are
// linted as text under paths inside the repo, so the imports resolve against the real tree.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";

const root = join(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  // only the boundary rules: the snippets are not meant to satisfy every other rule
  return result.messages
    .filter((m) => m.ruleId === null || /^(import-x\/|no-restricted-imports$)/.test(m.ruleId))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

describe("dependency boundaries", () => {
  const violations: Array<[string, string, RegExp]> = [
    ["renderer/x.ts", 'import { connect } from "../db/index";', /renderer\/ knows only db\/shapes/],
    ["renderer/deep/x.ts", 'import { Run } from "../../db/index";', /renderer\/ knows only db\/shapes/],
    ["renderer/a/b/x.ts", 'import "../../../db/query/compile";', /renderer\/ knows only db\/shapes/],
    ["renderer/deep/x.ts", 'import type { TrackEvent } from "../../server/protocol";', /renderer\//],
    ["renderer/deep/x.ts", 'import "../../extension/api";', /renderer\//],
    ["renderer/x.ts", 'import knex from "knex";', /renderer\/ knows only db\/shapes/],
    ["extension/x.ts", 'import { connect } from "../db/index";', /extension\/ reaches the database only/],
    ["extension/tracking/x.ts", 'import { Run } from "../../db/registries/run";', /only through the server/],
    ["extension/tracking/x.ts", 'import { log } from "../../server/log";', /only through server\/protocol/],
    ["extension/a/x.ts", 'import "../../server/connection/embedded";', /only through server\/protocol/],
    ["extension/x.ts", 'import pg from "pg";', /never opens the database/],
    ["extension/x.ts", 'import { PGlite } from "@electric-sql/pglite";', /never opens the database/],
    ["renderer/deep/x.ts", 'import "../../db/nope";', /import-x\/no-unresolved/],
  ];
  for (const [file, code, expected] of violations) {
    it(`${file}: ${code} is refused`, async () => {
      const found = await problems(file, code);
      assert.ok(
        found.some((p) => expected.test(p)),
        `expected ${expected}, got ${JSON.stringify(found)}`,
      );
    });
  }

  const allowed: Array<[string, string]> = [
    ["renderer/x.ts", 'import type { DataFrame } from "../db/shapes";'],
    ["renderer/deep/x.ts", 'import type { DataFrame } from "../../db/shapes";'],
    ["extension/tracking/x.ts", 'import type { TrackEvent } from "../../server/protocol";'],
    ["extension/tracking/x.ts", 'import type { JsonObject } from "../../db/shapes";'],
    ["extension/x.ts", 'import * as vscode from "vscode";\nvoid vscode;'],
  ];
  for (const [file, code] of allowed) {
    it(`${file}: ${code.split("\n")[0]} is allowed`, async () => {
      assert.deepEqual(await problems(file, code), []);
    });
  }
});
