// A request the client cancels stops its statement in the database and answers LSP's RequestCancelled
// (-32800); the server keeps serving. The statement is held running by a state, not by its size: another
// session holds an ACCESS EXCLUSIVE lock on the table, so the search waits in the database (state
// 'active') until it is cancelled. (A merely slow search raced the cancel: since search() ranks a bounded
// candidate set, 200,000 matching labels take milliseconds, and run 32 saw one finish first.)
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { CancellationTokenSource, ResponseError } from "vscode-jsonrpc/node";
import { applicationNameOf } from "../../server/connection/database";
import { startServer, type ServerFixture } from "./fixtures";

const ROWS = 1_000;
const REQUEST_CANCELLED = -32800;

let f: ServerFixture;
let admin: Knex;

/**
 * The server's statements running now (nothing else of the server runs during the test: no document is
 * open, LISTEN waits idle). pg_stat_activity keeps only the start of a query's text, which for search()
 * does not reach its table's name.
 */
async function activeSearches(): Promise<Array<{ pid: number; query: string }>> {
  const { rows } = await admin.raw(
    `SELECT pid, query FROM pg_stat_activity
      WHERE application_name = ? AND state = 'active'`,
    [applicationNameOf(f.options.sessionId)],
  );
  return rows;
}

before(async () => {
  f = await startServer("postgres");
  admin = knexFactory({ client: "pg", connection: f.url, pool: { min: 0, max: 2 } });
  await admin.raw(
    `INSERT INTO lamindb_ulabel (uid, name, created_by_id)
     SELECT lpad(to_hex(i), 8, '0'), 'slowterm label ' || i, 1 FROM generate_series(1, ?::int) AS i`,
    [ROWS],
  );
  await admin.raw(`INSERT INTO lamindb_ulabel (uid, name, created_by_id) VALUES ('zzzzzzzz', 'rare-one', 1)`);
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
    await cancelWhileRunning(cancelledBefore);
  } finally {
    await admin.raw("ROLLBACK").connection(locker);
    await admin.client.releaseConnection(locker);
  }
});

async function cancelWhileRunning(cancelledBefore: number): Promise<void> {
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
  // wait for the state: the search's statement running in the database
  let running: Array<{ pid: number; query: string }> = [];
  while (running.length === 0) {
    running = await activeSearches();
    const early = await Promise.race([settled, Promise.resolve("pending" as const)]);
    assert.equal(early, "pending", `the search ended before it could be cancelled: ${String(early)}`);
  }
  source.cancel();
  const error = await settled;
  assert.ok(error instanceof ResponseError, `answered ${String(error)}`);
  assert.equal(error.code, REQUEST_CANCELLED);
  // the server answers once the statement ended: it is no longer running ...
  assert.deepEqual(await activeSearches(), []);
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
