// The real server bundle through PgBouncer in transaction mode (the run's pooler, see
// test/helpers/pooler.ts): it knows it is pooled, attempts no LISTEN (it polls the change counter
// instead: test/server/pooled-feed.test.ts), and tracking and completion work there.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory from "knex";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import type { TrackEvent } from "../../server/protocol";
import { at, LspClient } from "./lsp-client";

describe("language server through PgBouncer (transaction mode)", () => {
  let client: LspClient;
  let direct: string;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await createPostgresDatabase();
    direct = db.url;
    drop = db.drop;
    client = await LspClient.start({
      database: { kind: "postgres", name: "pooled", url: throughPgbouncer(db.url) },
      user: { handle: "tester" },
      trusted: true,
      sessionId: `pooled-${process.pid}`,
    });
    await client.ready(120_000);
  });
  after(async () => {
    await client?.stop();
    await drop?.();
  });

  test("status: connected, and no LISTEN through the pooler: the change counter is polled", async () => {
    const status = await client.request("lamin/status", {});
    assert.equal(status.connected, true);
    assert.equal(status.notifications, "poll");
  });

  test("a tracked cell makes a run; a saved label completes by prefix", async () => {
    const nb = { uri: "file:///w/pooled.ipynb", key: "pooled.ipynb", source: "x = 1" };
    const t0 = Date.now();
    const started = await client.request("lamin/track", {
      type: "cellStarted",
      eventId: "pooled-0",
      at: t0,
      notebook: nb,
      cell: { index: 0, executionOrder: 1, startTime: t0 },
    } as TrackEvent);
    assert.equal(started.run?.status, "started");
    const check = knexFactory({ client: "pg", connection: direct, pool: { min: 0, max: 1 } });
    try {
      const runs = await check.raw(`SELECT count(*)::int AS n FROM lamindb_run`);
      assert.equal(runs.rows[0].n, 1);
      await check("lamindb_ulabel").insert({ uid: "PoOlEd01", name: "POOLED1", created_by_id: 1 });
    } finally {
      await check.destroy();
    }
    const { text, position } = at('ln.ULabel.get(name="POOL|")');
    const uri = "file:///work/pooled.py";
    client.openText(uri, text);
    const items = await client.completion(uri, position);
    assert.ok(
      items.some((i) => i.label === "POOLED1"),
      `POOLED1 among ${items.map((i) => i.label).join(", ")}`,
    );
  });
});
