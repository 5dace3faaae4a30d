// The embedded holder's sessions (server/connection/socket-server.ts): the holder's own driver in
// process and another window's through the socket, both on one PGlite. Messages that arrive together
// go to PGlite together; a transaction holds PGlite for its session alone; a session that goes away
// is rolled back; a malformed message ends its own session only.
import assert from "node:assert/strict";
import { Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { connect, createPglite, withStatementTimeout } from "../../db/index";
import { AuthenticatedSocketServer } from "../../server/connection/socket-server";

const SECRET = "a".repeat(64);

describe("PGlite sessions of the embedded holder", () => {
  let db: PGlite;
  let server: AuthenticatedSocketServer;
  let port: number;
  const clients: pg.Client[] = [];

  const local = async (): Promise<pg.Client> => {
    const c = new pg.Client({ user: "postgres", database: "postgres", stream: () => server.connectLocal() });
    c.on("error", () => {}); // a session this test ends on purpose
    await c.connect();
    clients.push(c);
    return c;
  };
  const remote = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "postgres",
      password: SECRET,
      database: "postgres",
    });
    c.on("error", () => {});
    await c.connect();
    clients.push(c);
    return c;
  };
  const settled = (p: Promise<unknown>): Promise<boolean> =>
    Promise.race([p.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
  /** Until a statement sent through the socket has reached the holder's queue. */
  const queued = async (n: number): Promise<void> => {
    while (server.stats().queued < n) await new Promise((r) => setImmediate(r));
  };

  before(async () => {
    db = await createPglite(undefined);
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, note text)");
    server = new AuthenticatedSocketServer({ db, secret: SECRET, maxConnections: 8 });
    port = await server.start();
  });
  after(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await server?.stop();
    await db?.close();
  });

  test("the holder's own driver runs statements in process, with values, and reads a large result whole", async () => {
    const c = await local();
    const ran = server.stats().ran;
    assert.deepEqual((await c.query("SELECT $1::int + 1 AS n", [41])).rows, [{ n: 42 }]);
    // Parse, Bind, Describe, Execute, Sync: one call into PGlite
    assert.equal(server.stats().ran - ran, 1);
    const big = await c.query("SELECT g AS n, repeat('x', 100) AS pad FROM generate_series(1, 100000) g");
    assert.equal(big.rows.length, 100_000);
    assert.equal(big.rows[99_999].n, 100_000);
    assert.equal(server.stats().sessions, 1);
  });

  test("an error inside a pipeline fails that statement only; the session goes on", async () => {
    const c = await local();
    // Parse, Bind (fails: not an int), Describe, Execute, Sync: arrive as one batch
    await assert.rejects(c.query("SELECT $1::int AS n", ["not a number"]), /invalid input syntax/);
    assert.deepEqual((await c.query("SELECT $1::int AS n", [7])).rows, [{ n: 7 }]);
    // a failed statement in a transaction aborts it, as on PostgreSQL
    await c.query("BEGIN");
    await assert.rejects(c.query("SELECT 1/0"), /division by zero/);
    await assert.rejects(c.query("SELECT 1"), /current transaction is aborted/);
    await c.query("ROLLBACK");
    assert.deepEqual((await c.query("SELECT 2 AS n")).rows, [{ n: 2 }]);
  });

  test("a transaction holds PGlite for its session: another session's statement waits for the COMMIT", async () => {
    const a = await local();
    const b = await remote();
    await a.query("BEGIN");
    await a.query("INSERT INTO t VALUES (1, 'from a')");
    const read = b.query("SELECT count(*)::int AS n FROM t");
    await queued(1);
    // a's next statement is answered while b's still waits
    await a.query("INSERT INTO t VALUES (2, 'from a')");
    assert.equal(await settled(read), false);
    await a.query("COMMIT");
    assert.deepEqual((await read).rows, [{ n: 2 }]);
  });

  test("a session that goes away inside a transaction is rolled back; the others go on", async () => {
    const a = await remote();
    const b = await local();
    await a.query("BEGIN");
    await a.query("INSERT INTO t VALUES (3, 'never committed')");
    const read = b.query("SELECT count(*)::int AS n FROM t WHERE id = 3");
    await queued(1);
    (a as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    assert.deepEqual((await read).rows, [{ n: 0 }]);
  });

  test("a malformed message ends its own session only; Terminate ends a session", async () => {
    const a = await remote();
    const b = await local();
    const before = server.stats().sessions;
    const stream = (a as unknown as { connection: { stream: Socket } }).connection.stream;
    const closed = new Promise<void>((r) => stream.once("close", () => r()));
    stream.write(Buffer.from([0x51, 0, 0, 0, 1])); // 'Q' with a length shorter than itself
    await closed;
    assert.equal(server.stats().sessions, before - 1);
    assert.deepEqual((await b.query("SELECT 3 AS n")).rows, [{ n: 3 }]);
    await b.end();
    assert.equal(server.stats().sessions, before - 2);
    const c = await local();
    assert.deepEqual((await c.query("SELECT count(*)::int AS n FROM t")).rows, [{ n: 2 }]);
  });

  test("db/ through a session: PGlite is the engine; bounded statements carry no statement_timeout, read-only ones still their setting", async () => {
    // the URL names the user and database; the session is the transport (as the holder connects)
    const url = "postgresql://postgres@127.0.0.1:1/postgres";
    const instance = await connect({ url, stream: () => server.connectLocal(), setDefault: false });
    const ro = await connect({ url, stream: () => server.connectLocal(), setDefault: false, readOnly: true });
    try {
      assert.equal(instance.info.engine, "pglite");
      assert.equal(instance.info.kind, "postgres");
      const setting = { text: "SELECT current_setting('statement_timeout') AS t, $1::int AS v", values: [7] };
      // PGlite never ends a statement at its timeout: the setting would be a statement for nothing
      assert.deepEqual(await withStatementTimeout(5_000, () => instance.statements.query(setting)), [
        { t: "0", v: 7 },
      ]);
      await assert.rejects(
        withStatementTimeout(5_000, () =>
          ro.statements.query({ text: "UPDATE lamindb_user SET name = $1", values: ["x"] }),
        ),
        /read-only transaction/,
      );
      await assert.rejects(
        ro.statements.query({ text: "UPDATE lamindb_user SET name = $1", values: ["x"] }),
        /read-only transaction/,
      );
    } finally {
      await ro.close();
      await instance.close();
    }
  });
});
