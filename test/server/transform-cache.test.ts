// The tracker's Transform cache in a window behind PgBouncer (transaction mode), where the change
// counter's poll says only that lamindb_transform changed, not which rows nor whose write, and in one
// that LISTENs on PostgreSQL directly. The server's
// own Transform insert, or another process's unrelated one, keeps the cache: the next kernel session's
// first cell resolves nothing again (it used to look the Transform up again, a claim and a transaction of
// lookups on that cell's path). A change to the cached row itself (here its description) drops it. The server runs in this
// process so the statements it sends can be seen; every wait is for a state, the guard only ends a hang.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { connect } from "../../db/index";
import type { RunSummary, TrackEvent, TrackResult } from "../../server/protocol";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import { startInProcess, type InProcessServer } from "./in-process";
import { registryChanged } from "./lsp-client";

const GUARD = 5 * 60_000;
const URI = "file:///work/cache.ipynb";
const SOURCE = "import lamindb as ln\nx = 1";
let seq = 0;
const id = () => `cache-${process.pid}-${seq++}`;
const nb = { uri: URI, key: "cache.ipynb", source: SOURCE };

/** The statements Transform.save() starts its lookups with (LaminDB's rules: the key's latest version). */
const TRANSFORM_LOOKUP = /from "lamindb_transform" where "key"/i;

for (const via of ["pgbouncer", "postgres"] as const)
  describe(`the tracker's Transform cache [${via}]`, () => {
    let drop: () => Promise<void>;
    let admin: Knex;
    let served: InProcessServer;
    let knex: Knex;
    let t = Date.now();

    const track = (e: Record<string, unknown>): Promise<TrackResult> =>
      served.client.request("lamin/track", { eventId: id(), at: t, ...e } as TrackEvent);

    /** One kernel session with one cell: its run, and the statements its first event sent. */
    async function kernelSession(): Promise<{ run: RunSummary; statements: string[] }> {
      t += 1000;
      const statements: string[] = [];
      const record = (q: { sql: string }) => statements.push(q.sql);
      knex.on("query", record);
      const r = await track({
        type: "cellStarted",
        notebook: nb,
        cell: { index: 0, executionOrder: 1, startTime: t },
      }).finally(() => knex.off("query", record));
      assert.ok(r.run);
      await track({
        type: "cellFinished",
        notebook: nb,
        cell: { index: 0, executionOrder: 1, startTime: t, endTime: t + 5, success: true },
      });
      await track({ type: "executionIdle", notebookUri: URI });
      await track({ type: "kernelRestarted", notebookUri: URI });
      return { run: r.run, statements };
    }

    /** Resolves once the feed reported a Transform change after the first `seen` notifications. */
    const transformChanged = (seen: number) => registryChanged(served.client, seen, "Transform", GUARD);

    before(async () => {
      const db = await createPostgresDatabase();
      drop = db.drop;
      await (await connect({ url: db.url, setDefault: false })).close();
      admin = knexFactory({ client: "pg", connection: db.url, pool: { min: 0, max: 1 } });
      served = await startInProcess({
        database: {
          kind: "postgres",
          name: "cache",
          url: via === "pgbouncer" ? throughPgbouncer(db.url) : db.url,
        },
        user: { handle: "tester" },
        trusted: true,
        sessionId: `cache-${process.pid}`,
      });
      await served.client.ready();
      const status = await served.client.request("lamin/status", {});
      // through the pooler the poll (which says only the table), directly LISTEN (which names the rows)
      assert.equal(status.notifications, via === "pgbouncer" ? "poll" : "listen");
      // the server's instance: its knex reports every statement the server sends
      const instance = served.server["db"]?.instance;
      assert.ok(instance);
      knex = instance.knex;
    });

    after(async () => {
      await served?.close();
      await admin?.destroy();
      await drop?.();
    });

    test("the server's own Transform insert, seen by the change feed, keeps the cache", async () => {
      const seen = served.client.notifications.length;
      const first = await kernelSession();
      assert.ok(
        first.statements.some((s) => TRANSFORM_LOOKUP.test(s)),
        "the first cell resolves it",
      );
      await transformChanged(seen);
      const second = await kernelSession();
      assert.equal(second.run.transform.id, first.run.transform.id);
      assert.deepEqual(
        second.statements.filter((s) => TRANSFORM_LOOKUP.test(s)),
        [],
        "the second kernel session resolved its Transform again",
      );
    });

    test("another process's unrelated Transform keeps the cache", async () => {
      const seen = served.client.notifications.length;
      await admin("lamindb_transform").insert({
        uid: "otherXXXXXXX0000",
        key: "other.ipynb",
        kind: "notebook",
        is_latest: true,
        created_by_id: 1,
      });
      await transformChanged(seen);
      const before = (await admin("lamindb_transform").count({ n: "*" }))[0]!.n;
      const next = await kernelSession();
      assert.deepEqual(
        next.statements.filter((s) => TRANSFORM_LOOKUP.test(s)),
        [],
      );
      assert.equal((await admin("lamindb_transform").count({ n: "*" }))[0]!.n, before);
    });

    test("another process's change to the cached Transform makes the next run resolve it again", async () => {
      const { run } = await kernelSession();
      const seen = served.client.notifications.length;
      await admin("lamindb_transform").where({ id: run.transform.id }).update({ description: "renamed" });
      await transformChanged(seen);
      const next = await kernelSession();
      assert.ok(
        next.statements.some((s) => TRANSFORM_LOOKUP.test(s)),
        "the changed row was not resolved again",
      );
      assert.equal(next.run.transform.id, run.transform.id, "the same key and source: the same version");
    });
  });
