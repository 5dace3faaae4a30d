// The settings lamindb.queryCells.* (package.json) declare the bounds and defaults the server checks
// (QUERY_CELL_LIMITS in server/protocol.ts): the settings editor must not accept what the server refuses.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { QUERY_CELL_LIMITS } from "../../server/protocol";

interface Setting {
  type: string;
  default: number;
  minimum: number;
  maximum: number;
}

test("package.json's lamindb.queryCells.* settings match the server's QUERY_CELL_LIMITS", () => {
  const pkg = JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")) as {
    contributes: { configuration: { properties: Record<string, Setting> } };
  };
  const props = pkg.contributes.configuration.properties;
  for (const name of ["timeoutSeconds", "memoryMb"] as const) {
    const s = props[`lamindb.queryCells.${name}`];
    assert.ok(s, `lamindb.queryCells.${name} is contributed`);
    const limits = QUERY_CELL_LIMITS[name];
    assert.deepEqual(
      { type: s.type, default: s.default, minimum: s.minimum, maximum: s.maximum },
      {
        type: limits.integer ? "integer" : "number",
        default: QUERY_CELL_LIMITS.defaults[name],
        minimum: limits.min,
        maximum: limits.max,
      },
      name,
    );
  }
});
