// lamindb.tracking.exclude through picomatch: VS Code style globs, and a pattern that cannot be read
// (the unbalanced `{` that used to throw inside the notebook change handler) warns once and matches
// nothing, while the other patterns still apply.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ExcludeSetting, invalidGlobs, matchesAny } from "../../../extension/tracking/glob";

describe("exclude globs", () => {
  it("match VS Code style globs against workspace-relative paths", () => {
    assert.ok(matchesAny("scratch/tmp.ipynb", ["scratch/**"]));
    assert.ok(matchesAny("./scratch/tmp.ipynb".slice(2), ["./scratch/**"]));
    assert.ok(matchesAny("a/b/Untitled-1.ipynb", ["Untitled*.ipynb"]));
    assert.ok(matchesAny("Untitled-1.ipynb", ["Untitled*.ipynb"]));
    assert.ok(matchesAny("deep/x/drafts/y.ipynb", ["**/drafts/**"]));
    assert.ok(matchesAny("n/a.ipynb", ["**/{a,b}.ipynb"]));
    assert.ok(matchesAny("n/q.ipynb", ["n/[pq].ipynb"]));
    assert.ok(matchesAny("n\\q.ipynb", ["n/[pq].ipynb"]), "Windows separators");
    assert.ok(matchesAny(".hidden/x.ipynb", [".hidden/**"]));
    assert.ok(!matchesAny("notebooks/qc.ipynb", ["scratch/**", "**/drafts/**", "*.py"]));
    assert.ok(!matchesAny("notebooks/qc.ipynb", []));
    assert.ok(!matchesAny("n/c.ipynb", ["**/{a,b}.ipynb"]));
  });

  it("an unbalanced bracket is invalid, matches nothing and never throws; the valid patterns still apply", () => {
    for (const bad of ["{a,b", "scratch/[ab", "(x"]) {
      assert.equal(invalidGlobs([bad]).length, 1, bad);
      assert.doesNotThrow(() => matchesAny("scratch/a.ipynb", [bad]));
    }
    assert.equal(matchesAny("{a,b", ["{a,b"]), false, "not even as a literal");
    assert.ok(matchesAny("scratch/x.ipynb", ["{oops", "scratch/**"]));
    assert.deepEqual(invalidGlobs(["scratch/**", "**/{a,b}.ipynb"]), []);
  });

  it("the setting warns once per invalid pattern, however often it is read", () => {
    const warnings: string[] = [];
    const setting = new ExcludeSetting((m) => warnings.push(m));
    assert.deepEqual(setting.read(["scratch/**", "{oops", 3, null]), ["scratch/**", "{oops"]);
    setting.read(["scratch/**", "{oops"]);
    setting.read(["{oops"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /lamindb\.tracking\.exclude/);
    assert.match(warnings[0], /"\{oops"/);
    setting.read(["{oops", "[again"]);
    assert.equal(warnings.length, 2, "a new invalid pattern is told");
    assert.match(warnings[1], /"\[again"/);
    assert.doesNotMatch(warnings[1], /oops/);
    assert.deepEqual(setting.read("not an array"), []);
  });
});
