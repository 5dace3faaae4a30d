// A request the client cancels stops its statement in the database and answers LSP's RequestCancelled
// (-32800); the server keeps serving. The statement is held running by a state, not by its size: another
// session holds an ACCESS EXCLUSIVE lock on the table, so the search waits in the database (state
// 'active', waiting on the lock) until it is cancelled. (A merely slow search raced the cancel: since
// search() ranks a bounded candidate set, 200,000 matching labels take milliseconds, and run 32 saw one
// finish first.) Directly and through PgBouncer, which forwards the cancel request to the backend running
// the statement; not on PGlite, which cannot interrupt a running statement (no other session can lock
// its one session's table either).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node";
import { applicationNameOf } from "../../server/connection/database";
import { startServer, type ServerFixture } from "./fixtures";

const ROWS = 1_000;
const REQUEST_CANCELLED = -32800;

for (const kind of ["postgres", "pgbouncer"] as const) {
  describe(`a cancelled request [${kind}]`, () => {
    let f: ServerFixture;
    let admin: Knex;

    /**
     * The server's statements waiting on the test's lock now: the search's (the only statement of the
     * server that reads lamindb_ulabel during the test; a pooled window's poll of the change counter
     * reads another table and never waits). pg_stat_activity keeps only the start of a query's text,
     * which for search() does not reach its table's name.
     */
    async function waitingSearches(): Promise<Array<{ pid: number; query: string }>> {
      const { rows } = await admin.raw(
        `SELECT pid, query FROM pg_stat_activity
          WHERE application_name = ? AND state = 'active' AND wait_event_type = 'Lock'`,
        [applicationNameOf(f.options.sessionId)],
      );
      return rows;
    }

    before(async () => {
      f = await startServer(kind);
      // pgbouncer: through the pooler, as another user's session would
      admin = knexFactory({ client: "pg", connection: f.url, pool: { min: 0, max: 2 } });
      await admin.raw(
        `INSERT INTO lamindb_ulabel (uid, name, created_by_id)
         SELECT lpad(to_hex(i), 8, '0'), 'slowterm label ' || i, 1 FROM generate_series(1, ?::int) AS i`,
        [ROWS],
      );
      await admin.raw(
        `INSERT INTO lamindb_ulabel (uid, name, created_by_id) VALUES ('zzzzzzzz', 'rare-one', 1)`,
      );
      await admin.raw("ANALYZE lamindb_ulabel");
    });

    after(async () => {
      await admin?.destroy();
      await f?.close();
    });

    test("a cancelled lamin/search stops its statement and answers RequestCancelled", async () => {
      const cancelledBefore = (await f.client.request("lamin/status", {})).statements!.cancelled;
      const locker = await admin.client.acquireConnection();
      await admin.raw("BEGIN").connection(locker);
      await admin.raw("LOCK TABLE lamindb_ulabel IN ACCESS EXCLUSIVE MODE").connection(locker);
      try {
        await cancelWhileWaiting(cancelledBefore);
      } finally {
        await admin.raw("ROLLBACK").connection(locker);
        await admin.client.releaseConnection(locker);
      }
    });

    async function cancelWhileWaiting(cancelledBefore: number): Promise<void> {
      const source = new CancellationTokenSource();
      const pending = f.client.connection.sendRequest(
        "lamin/search",
        { registry: "ULabel", query: "slowterm", limit: 5 },
        source.token,
      );
      const settled = pending.then(
        () => undefined,
        (e: unknown) => e,
      );
      // wait for the state: the search's statement running in the database, held by the lock
      let waiting: Array<{ pid: number; query: string }> = [];
      while (waiting.length === 0) {
        waiting = await waitingSearches();
        const early = await Promise.race([settled, Promise.resolve("pending" as const)]);
        assert.equal(early, "pending", `the search ended before it could be cancelled: ${String(early)}`);
      }
      source.cancel();
      const error = await settled;
      assert.ok(error instanceof ResponseError, `answered ${String(error)}`);
      assert.equal(error.code, REQUEST_CANCELLED);
      // the server answers once the statement ended: with the lock still held, it no longer waits ...
      assert.deepEqual(await waitingSearches(), []);
      // ... because the server sent PostgreSQL a cancel request for it (not because it finished)
      const cancelledAfter = (await f.client.request("lamin/status", {})).statements!.cancelled;
      assert.equal(cancelledAfter, cancelledBefore + 1);
    }

    test("the server keeps serving after a cancelled request", async () => {
      const found = await f.client.request("lamin/search", { registry: "ULabel", query: "rare-one" });
      assert.deepEqual(
        found.map((r) => r.label),
        ["rare-one"],
      );
    });
  });
}
