// A transaction-mode pooler in front of a server that stopped: PgBouncer keeps the window's connections
// and holds each statement in its queue until query_wait_timeout (120 s by default). Bounded work
// (completion, hover, diagnostics) must not wait that long: past its statement_timeout and a margin the
// statement fails as a connection error, its connection is dropped, and the instance works again once
// the server is back.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect, ConnectionError, Instance, ULabel, withStatementTimeout } from "../../db/index";
import { startPgbouncer } from "../../scripts/pgbouncer.mjs";
import { startPostgres, type ThrowawayPostgres } from "../../scripts/postgres.mjs";

describe("a bounded statement through PgBouncer while the server is down", () => {
  let pg: ThrowawayPostgres;
  let pooler: { url: string; stop(): Promise<void> };
  let instance: Instance;
  before(async () => {
    pg = await startPostgres({ dedicated: true });
    pooler = await startPgbouncer(pg.url); // PgBouncer's own query_wait_timeout: 120 s
    const url = new URL(pooler.url);
    url.searchParams.set("pgbouncer", "true");
    instance = await connect({ url: url.toString(), maxConnections: 1, setDefault: false });
  });
  after(async () => {
    await instance?.close();
    await pooler?.stop();
    await pg?.stop();
  });

  const read = () =>
    Instance.runWith(instance, () =>
      withStatementTimeout(500, () => ULabel.filter({ name__startswith: "a" }).toArray()),
    );

  test("fails with ConnectionError at its deadline, not the pooler's, and the next read after the outage works", async () => {
    assert.equal(instance.info.pooled, true);
    await read(); // the pool's one connection to PgBouncer is open
    pg.pause();
    await assert.rejects(read(), (e: Error) => {
      assert.ok(e instanceof ConnectionError, `${e.name}: ${e.message}`);
      assert.match(e.message, /No answer from the database within 2500 ms/);
      return true;
    });
    pg.resume();
    // PgBouncer logs in again within server_login_retry: until then reads fail at once (08P01)
    for (;;) {
      try {
        assert.deepEqual(await read(), []);
        break;
      } catch (e) {
        assert.ok(e instanceof ConnectionError, String(e));
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
});
