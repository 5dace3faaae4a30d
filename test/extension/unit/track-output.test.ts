import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { trackOutputOf } from "../../../extension/tracking/track-output";

describe("trackOutputOf (the line ln.track() prints)", () => {
  it("keeps only the lines naming LaminDB's run, without terminal colours", () => {
    const out = trackOutputOf([
      "hello\n\u001b[92m→\u001b[0m created Transform('Kq3nA8x0pL2m0000', key='qc.ipynb'), started new Run('abcdEFGH12345678') at 2026-01-02 03:04:05 UTC\nmore",
      "→ loaded Transform('Kq3nA8x0pL2m0000', key='qc.ipynb'), re-started Run('abcdEFGH12345678') at 2026-01-02",
    ]);
    assert.equal(
      out,
      "→ created Transform('Kq3nA8x0pL2m0000', key='qc.ipynb'), started new Run('abcdEFGH12345678') at 2026-01-02 03:04:05 UTC\n" +
        "→ loaded Transform('Kq3nA8x0pL2m0000', key='qc.ipynb'), re-started Run('abcdEFGH12345678') at 2026-01-02",
    );
  });

  it("sends nothing for other output, and at most 4096 characters", () => {
    assert.equal(trackOutputOf(["x = 1", "Run('abc')", "started new Run(x)"]), undefined);
    const line = `→ started new Run('abcdEFGH12345678') ${"x".repeat(3000)}`;
    assert.ok(trackOutputOf([line, line, line])!.length <= 4096);
  });
});
