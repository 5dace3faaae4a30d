// lamin/transformKeys: the Transforms tree pages by transform key, so a key whose versions span more
// than one page of transforms still appears exactly once; keys come by latest activity. Both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ResponseError } from "vscode-jsonrpc";
import { LAMIN_ERROR_CODES, type TransformKeySummary } from "../../server/protocol";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";

const BIG = "analysis/big.ipynb";
const OTHERS = ["a.py", "b.py", "c.py", "d.py", "e.py"];
const BIG_VERSIONS = 7;
const LIMIT = 2;

async function allKeyPages(f: ServerFixture, limit = LIMIT): Promise<TransformKeySummary[][]> {
  const pages: TransformKeySummary[][] = [];
  for (let offset = 0; ;) {
    const page = await f.client.request("lamin/transformKeys", { offset, limit });
    assert.equal(page.offset, offset);
    if (page.items.length === 0) return pages;
    pages.push(page.items);
    offset += page.items.length;
    if (offset >= page.total) return pages;
  }
}

for (const kind of KINDS) {
  describe(`lamin/transformKeys [${kind}]`, () => {
    let f: ServerFixture;
    before(async () => {
      f = await startServer(kind);
      // the big key's versions interleaved with the other keys, so pages of versions split it
      await evaluateOk(
        f.client,
        `const others = ${JSON.stringify(OTHERS)};
         for (let i = 0; i < ${BIG_VERSIONS}; i++) {
           await new ln.Transform({ key: ${JSON.stringify(BIG)}, kind: "notebook", source_code: "v" + i }).save();
           // each its own source: LaminDB returns the existing transform for a source it already holds
           if (others[i]) await new ln.Transform({ key: others[i], kind: "script", source_code: "x" + i }).save();
         }`,
      );
    });
    after(async () => f?.close());

    test("a key whose versions span pages of transforms is listed once", async () => {
      // the control: paging versions (what the tree did before) puts the big key on several pages
      const versionPages: string[][] = [];
      for (let offset = 0; ; offset += LIMIT) {
        const page = await f.client.request("lamin/transforms", { offset, limit: LIMIT });
        if (page.items.length === 0) break;
        versionPages.push(page.items.map((t) => t.key));
      }
      assert.ok(versionPages.filter((keys) => keys.includes(BIG)).length > 1, "control: the key spans pages");

      const pages = await allKeyPages(f);
      assert.ok(pages.length > 1, "more than one page of keys");
      const keys = pages.flat().map((k) => k.key);
      assert.deepEqual([...keys].sort(), [BIG, ...OTHERS].sort(), "each key exactly once");
      assert.equal(new Set(keys).size, keys.length);
      const big = pages.flat().find((k) => k.key === BIG)!;
      assert.equal(big.versions, BIG_VERSIONS);
      assert.equal(big.kind, "notebook");
      const versions = await f.client.request("lamin/transforms", { offset: 0, limit: 100, key: BIG });
      assert.equal(versions.total, BIG_VERSIONS);
      assert.equal(big.latest.id, versions.items[0].id, "latest is the newest version");
      assert.ok(big.latest.is_latest);
      const total = (await f.client.request("lamin/transformKeys", { offset: 0, limit: 1 })).total;
      assert.equal(total, 1 + OTHERS.length);
    });

    test("keys come by latest activity: a new run moves its key first", async () => {
      const before = (await allKeyPages(f)).flat();
      // created last: the big key's newest version, then e.py
      assert.deepEqual(
        before.slice(0, 2).map((k) => k.key),
        [BIG, "e.py"],
      );
      await evaluateOk(
        f.client,
        `const t = await ln.Transform.get({ key: "a.py" });
         await new ln.Run(t, { status: "started" }).save();`,
      );
      const after = (await allKeyPages(f)).flat();
      assert.equal(after[0].key, "a.py");
      assert.ok(after[0].activity > before[0].activity, "its activity is the run's start");
      assert.deepEqual(
        after.slice(1).map((k) => k.key),
        before.filter((k) => k.key !== "a.py").map((k) => k.key),
      );
    });

    test("keys whose versions are all in the trash are not listed", async () => {
      await evaluateOk(f.client, `await (await ln.Transform.get({ key: "b.py" })).delete();`);
      const keys = (await allKeyPages(f, 100)).flat().map((k) => k.key);
      assert.ok(!keys.includes("b.py"));
      assert.equal(keys.length, OTHERS.length);
    });

    test("a bad page gets a typed error", async () => {
      await assert.rejects(
        f.client.request("lamin/transformKeys", { offset: -1, limit: 10 }),
        (e: ResponseError<{ name: string }>) => {
          assert.equal(e.code, LAMIN_ERROR_CODES.invalidParams);
          assert.equal(e.data?.name, "InvalidArgument");
          assert.match(e.message, /offset/);
          return true;
        },
      );
    });
  });
}
