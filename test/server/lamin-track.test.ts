// LaminDB's own tracking calls found in a notebook's source (server/python/lamin-track.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectLaminTracking } from "../../server/python/lamin-track";

describe("detectLaminTracking", () => {
  it("finds ln.track() after `import lamindb as ln`, and ln.finish()", async () => {
    const r = await detectLaminTracking("import lamindb as ln\n\n# %%\nln.track()\nx = 1\nln.finish()");
    assert.deepEqual(r, { track: [{ line: 3 }], finish: true });
  });

  it("finds lamindb.track(), an alias, and `from lamindb import track [as t]`", async () => {
    assert.equal((await detectLaminTracking("import lamindb\nlamindb.track()"))?.track.length, 1);
    assert.equal((await detectLaminTracking("import lamindb as lamin\nlamin.track()"))?.track.length, 1);
    assert.equal((await detectLaminTracking("from lamindb import track\ntrack()"))?.track.length, 1);
    const aliased = await detectLaminTracking(
      "from lamindb import finish, track as t\nt('abcdEFGH1234')\nfinish()",
    );
    assert.deepEqual(aliased, { track: [{ line: 1, uid: "abcdEFGH1234" }], finish: true });
  });

  it("reads a 12- or 16-character uid literal, key= and new_run=", async () => {
    const twelve = await detectLaminTracking('import lamindb as ln\nln.track("Kq3nA8x0pL2m")');
    assert.equal(twelve?.track[0].uid, "Kq3nA8x0pL2m");
    const sixteen = await detectLaminTracking("ln.track('Kq3nA8x0pL2m0001', new_run=True)");
    assert.deepEqual(sixteen?.track[0], { line: 0, uid: "Kq3nA8x0pL2m0001", newRun: true });
    const keyed = await detectLaminTracking("ln.track(key='analysis/qc.ipynb', new_run=False)");
    assert.deepEqual(keyed?.track[0], { line: 0, key: "analysis/qc.ipynb", newRun: false });
    // not a uid: wrong length, an f-string, a name
    for (const arg of ['"short"', '"Kq3nA8x0pL2m000"', 'f"{u}"', "uid"]) {
      const r = await detectLaminTracking(`ln.track(${arg})`);
      assert.equal(r?.track[0].uid, undefined, arg);
    }
  });

  it("ignores commented-out calls, calls in strings and other modules' track()", async () => {
    assert.equal(await detectLaminTracking("import lamindb as ln\n# ln.track()\nx = 1"), undefined);
    assert.equal(await detectLaminTracking('s = \'ln.track()\'\n"""lamindb.track()"""'), undefined);
    assert.equal(await detectLaminTracking("import wandb\nwandb.track()\ntrack()"), undefined);
    assert.equal(await detectLaminTracking("from mlflow import track\ntrack()"), undefined);
    assert.equal(await detectLaminTracking("ln.finish()"), undefined);
  });
});
