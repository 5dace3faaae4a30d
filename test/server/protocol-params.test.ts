// lamin/* params are checked before a handler runs: what is not an object, null, a wrong type or an
// unknown language is an InvalidArgument (-32602) naming the field, and nothing is written; absent
// optional fields are accepted, so a failed cell of a kernel without execution order still errors its run.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { COUNT_BOUND } from "../../db/index";
import { LAMIN_ERROR_CODES, type TrackEvent } from "../../server/protocol";
import { holderUrl } from "../../server/connection/embedded";
import { KINDS, startServer, type ServerFixture } from "./fixtures";

const invalid = (pattern: RegExp) => (e: unknown) => {
  const err = e as { code?: number; message?: string; data?: { name?: string } };
  assert.equal(err.code, LAMIN_ERROR_CODES.invalidParams, String(err.message));
  assert.equal(err.data?.name, "InvalidArgument");
  assert.match(String(err.message), pattern);
  return true;
};

for (const kind of KINDS) {
  describe(`lamin/* params [${kind}]`, () => {
    let f: ServerFixture;
    let knex: Knex;
    const runs = async () => Number((await knex.raw("SELECT count(*) AS n FROM lamindb_run")).rows[0].n);
    const raw = (method: string, params: unknown) => f.client.connection.sendRequest(method, params);

    before(async () => {
      f = await startServer(kind);
      // PGlite: through the socket the server serves its folder on, as another window's server does
      const url = kind === "pglite" ? holderUrl(f.dir!) : f.url;
      assert.ok(url, "a URL for the test's own connection");
      knex = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 1 } });
    });
    after(async () => {
      await knex?.destroy();
      await f.close();
    });

    test("lamin/track with params that are not an event object: a typed error, no run inserted", async () => {
      const before = await runs();
      await assert.rejects(raw("lamin/track", "cellStarted"), invalid(/lamin\/track: params/));
      await assert.rejects(raw("lamin/track", null), invalid(/lamin\/track: params/));
      await assert.rejects(raw("lamin/track", 42), invalid(/lamin\/track: params/));
      await assert.rejects(
        raw("lamin/track", {
          eventId: "bad-1",
          at: Date.now(),
          type: "cellStarted",
          notebook: { uri: "file:///w/p.ipynb", key: "p.ipynb", source: "x = 1" },
          cell: { index: "first" },
        }),
        invalid(/params\.cell\.index: expected number/),
      );
      await assert.rejects(
        raw("lamin/track", {
          eventId: "bad-2",
          at: Date.now(),
          type: "cellStarted",
          notebook: null,
          cell: { index: 0 },
        }),
        invalid(/params\.notebook/),
      );
      assert.equal(await runs(), before, "nothing was inserted");
    });

    test("lamin/track with params nested 1000 deep: a typed error, no transform or run inserted", async () => {
      const transforms = async () =>
        Number((await knex.raw("SELECT count(*) AS n FROM lamindb_transform")).rows[0].n);
      const [runsBefore, transformsBefore] = [await runs(), await transforms()];
      let params: Record<string, unknown> = { x: 1 };
      for (let i = 0; i < 1000; i++) params = { a: params };
      await assert.rejects(
        raw("lamin/track", {
          eventId: `deep-params-${Date.now()}`,
          at: Date.now(),
          type: "cellStarted",
          notebook: { uri: "file:///w/deep.ipynb", key: "deep.ipynb", source: "x = 1", params },
          cell: { index: 0 },
        }),
        invalid(/params\.notebook\.params: expected an object nested at most 64 deep/),
      );
      assert.deepEqual(
        [await runs(), await transforms()],
        [runsBefore, transformsBefore],
        "nothing inserted",
      );
    });

    test("absent optional fields (no execution order, no timing) are accepted; a failed cell errors the run", async () => {
      const uri = "file:///w/no-order.ipynb";
      const notebook = { uri, key: "no-order.ipynb", source: "1 / 0" };
      const t = Date.now();
      const events: TrackEvent[] = [
        { eventId: `no-order-1-${t}`, at: t, type: "cellStarted", notebook, cell: { index: 0 } },
        {
          eventId: `no-order-2-${t}`,
          at: t + 1,
          type: "cellFinished",
          notebook,
          cell: { index: 0, success: false },
        },
        { eventId: `no-order-3-${t}`, at: t + 2, type: "executionIdle", notebookUri: uri },
      ];
      let last;
      for (const e of events) last = await f.client.request("lamin/track", e);
      assert.equal(last?.run?.status, "errored");
    });

    test("lamin/toDataFrame: a bounded total by default, an exact one on request, kept by load more", async () => {
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "ULabel", count: "nearly" }),
        invalid(/params\.count/),
      );
      const n = COUNT_BOUND + 5;
      await knex.raw(
        `INSERT INTO lamindb_ulabel (uid, name, created_by_id)
         SELECT 'pc' || lpad(to_hex(i), 6, '0'), 'count-bound ' || i, 1 FROM generate_series(1, ?::int) AS i`,
        [n],
      );
      const filter = { name__startswith: "count-bound " };
      const bounded = await f.client.request("lamin/toDataFrame", { registry: "ULabel", filter, limit: 10 });
      assert.deepEqual([bounded.total, bounded.totalExact, bounded.truncated], [COUNT_BOUND, false, true]);
      const exact = await f.client.request("lamin/toDataFrame", {
        registry: "ULabel",
        filter,
        limit: 10,
        count: "exact",
      });
      assert.deepEqual([exact.total, exact.totalExact], [n, true]);
      assert.ok(exact.next, "a truncated frame carries a load-more token");
      const more = await f.client.request("lamin/loadMore", exact.next);
      assert.deepEqual([more.offset, more.rows.length, more.total, more.totalExact], [10, 10, n, true]);
    });

    test("a forged load-more token: checked as toDataFrame's params, an InvalidArgument", async () => {
      const token = (q: unknown) => Buffer.from(JSON.stringify(q)).toString("base64url");
      for (const query of [
        { registry: "ULabel", filter: "abc" },
        { registry: "ULabel", orderBy: { a: 1 } },
        { registry: "ULabel", features: { a: 1 } },
        { registry: "ULabel", limit: -5 },
        null,
      ])
        await assert.rejects(
          raw("lamin/loadMore", { token: token(query), offset: 0 }),
          invalid(/Unknown load-more token/),
        );
    });

    test("100,000 include paths or feature names: answered at once, the frame's columns capped", async () => {
      const started = Date.now();
      const paths = Array.from({ length: 100_000 }, (_, i) => `created_by__handle${i % 2 ? "" : "x"}`);
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "ULabel", include: paths.map((p, i) => `${p}${i}`) }),
        invalid(/include takes at most 1000 field paths/),
      );
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "Run", features: paths.map((p, i) => `${p}${i}`) }),
        invalid(/features takes at most 1000 feature names/),
      );
      // the same path many times is one column
      const df = await f.client.request("lamin/toDataFrame", {
        registry: "ULabel",
        include: Array.from({ length: 100_000 }, () => "created_by__handle"),
      });
      assert.deepEqual(df.columns, ["uid", "name", "created_by__handle"]);
      assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    });

    test("a filter key or include path of thousands of relations: refused at once, the server answers", async () => {
      const hops = "created_by__created_runs__transform__".repeat(20_000);
      const long = /has more than 32 parts separated by __/;
      const started = Date.now();
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "ULabel", filter: { [`${hops}key`]: "a" } }),
        invalid(long),
      );
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "ULabel", include: [`${hops}key`] }),
        invalid(long),
      );
      await assert.rejects(
        raw("lamin/toDataFrame", { registry: "Run", filter: { [`params__${"a__".repeat(70_000)}b`]: 1 } }),
        invalid(long),
      );
      assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
      // ten hops are still a query
      const df = await f.client.request("lamin/toDataFrame", {
        registry: "ULabel",
        filter: { [`${"created_by__created_runs__transform__".repeat(10)}key`]: "a" },
      });
      assert.equal(df.rows.length, 0);
    });

    test("wrong types and an unknown language: typed errors naming the field", async () => {
      await assert.rejects(
        raw("lamin/evaluate", { code: "1", language: "python" }),
        invalid(/params\.language: expected \("javascript" \| "typescript"\)/),
      );
      await assert.rejects(raw("lamin/evaluate", { language: "javascript" }), invalid(/params\.code/));
      await assert.rejects(raw("lamin/runs", { offset: null, limit: 10 }), invalid(/params\.offset/));
      await assert.rejects(raw("lamin/delete", { registry: "ULabel", id: "1" }), invalid(/params\.id/));
      await assert.rejects(raw("lamin/recoverRuns", null), invalid(/lamin\/recoverRuns: params/));
      await assert.rejects(raw("lamin/describe", [1, 2]), invalid(/lamin\/describe: params/));
    });
  });
}
