// The explorer line as the Python document the language server completes (extension/explorer/completions.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { asPythonDocument } from "../../../extension/explorer/completions";

describe("explorer line as a Python document", () => {
  test("ln. is prefixed unless already there; the shift maps offsets back", () => {
    assert.deepEqual(asPythonDocument("Run.filter("), { text: "ln.Run.filter(", shift: 3 });
    assert.deepEqual(asPythonDocument("ln.Run.filter("), { text: "ln.Run.filter(", shift: 0 });
    assert.deepEqual(asPythonDocument("lamindb.Run"), { text: "lamindb.Run", shift: 0 });
  });
});
