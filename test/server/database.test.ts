// The server's database outside the happy path: a PostgreSQL server that stops and starts again
// mid-session (a dedicated throwaway cluster, paused on its own data folder and port), reached directly
// or through a PgBouncer of its own in transaction mode (which keeps running meanwhile), and the
// embedded folder the server creates itself.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startPgbouncer } from "../../scripts/pgbouncer.mjs";
import { startPostgres, type ThrowawayPostgres } from "../../scripts/postgres.mjs";
import {
  LAMIN_ERROR_CODES,
  type LaminInitializationOptions,
  type LaminRequests,
  type TrackEvent,
} from "../../server/protocol";
import { LspClient } from "./lsp-client";

const user = { handle: "tester" };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// not on PGlite: an in-memory or embedded database has no server that could stop (a holder that exits
// is sharing.test.ts's)
for (const kind of ["postgres", "pgbouncer"] as const) {
  describe(`a PostgreSQL server that stops mid-session [${kind}]`, () => {
    let pg: ThrowawayPostgres;
    let pooler: { url: string; stop(): Promise<void> } | undefined;
    let client: LspClient;
    before(async () => {
      pg = await startPostgres({ dedicated: true });
      let url = pg.url;
      if (kind === "pgbouncer") {
        // the run's PgBouncer stands in front of the run's cluster: this one gets its own. While the
        // server is down PgBouncer holds the first statement up to query_wait_timeout (120 s by default,
        // docs/scaling.md) before it fails with 08P01; 5 s here, so the outage costs the suite little
        pooler = await startPgbouncer(pg.url, { queryWaitTimeoutSeconds: 5 });
        const told = new URL(pooler.url);
        told.searchParams.set("pgbouncer", "true");
        url = told.toString();
      }
      client = await LspClient.start({
        database: { kind: "postgres", name: "outage", url },
        user,
        trusted: true,
        sessionId: "outage",
      });
      await client.ready();
      if (kind === "pgbouncer") {
        const { notifications } = await client.request("lamin/status", {});
        assert.equal(notifications, "poll", "the server knows it is behind a pooler");
      }
    });
    after(async () => {
      await client?.stop();
      await pooler?.stop();
      await pg?.stop();
    });

    test("tracking answers databaseUnavailable, status and notifications follow, and nothing is lost", async () => {
      const nb = { uri: "file:///w/outage.ipynb", key: "outage.ipynb", source: "x = 1" };
      const t0 = Date.now();
      const ev = (n: number, e: DistributiveOmit<TrackEvent, "eventId" | "at">) =>
        ({ ...e, eventId: `outage-${n}`, at: t0 + n }) as TrackEvent;
      const start = await client.request(
        "lamin/track",
        ev(0, { type: "cellStarted", notebook: nb, cell: { index: 0, executionOrder: 1, startTime: t0 } }),
      );
      assert.equal(start.run?.status, "started");
      const finish = ev(1, {
        type: "cellFinished",
        notebook: nb,
        cell: { index: 0, executionOrder: 1, startTime: t0, endTime: t0 + 7, success: true },
      });
      const idle = ev(2, { type: "executionIdle", notebookUri: nb.uri });

      /** The next lamin/connectionChanged saying `connected` (earlier ones do not count). */
      let seen = client.notifications.length;
      const connectionChanged = async (connected: boolean, timeoutMs: number) => {
        const found = await client.waitFor(() => {
          const i = client.notifications.findIndex(
            (n, k) =>
              k >= seen &&
              n.method === "lamin/connectionChanged" &&
              (n.params as { connected: boolean }).connected === connected,
          );
          return i < 0 ? undefined : i;
        }, timeoutMs);
        seen = found + 1;
      };
      pg.pause();
      // the extension queues on this code (extension/tracking/tracking.ts), and retries the same event
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(
          client.request("lamin/track", finish),
          (e: { code?: number; message: string }) => {
            assert.equal(e.code, LAMIN_ERROR_CODES.databaseUnavailable, e.message);
            return true;
          },
        );
      }
      await connectionChanged(false, 5_000);
      const down = await client.request("lamin/status", {});
      assert.equal(down.connected, false);
      assert.ok(down.error, "the status says why");

      pg.resume();
      // the server finds out by itself: the extension replays on this notification, not on its backoff
      await connectionChanged(true, 30_000);
      assert.equal((await client.request("lamin/status", {})).connected, true);
      const applied = await client.request("lamin/track", finish);
      assert.equal(applied.duplicate, false, "the failed attempts left no claim behind");
      const done = await client.request("lamin/track", idle);
      assert.equal(done.run?.id, start.run?.id);
      assert.equal(done.run?.status, "completed");
      assert.equal(done.run?.finished_at, new Date(t0 + 7).toISOString());
    });
  });
}

describe("the embedded folder", () => {
  const base = mkdtempSync(join(tmpdir(), "lamin-folder-"));
  after(() => rmSync(base, { recursive: true, force: true }));
  const options = (dir: string, trusted = true): LaminInitializationOptions => ({
    database: { kind: "embedded", dir },
    user,
    trusted,
    sessionId: `folder-${trusted}`,
  });

  type Status = LaminRequests["lamin/status"]["result"];
  /** Starts a server on `o` and polls lamin/status until `until` holds. */
  async function statusOf(o: LaminInitializationOptions, until: (s: Status) => boolean): Promise<Status> {
    const c = await LspClient.start(o);
    try {
      // a guard, not a wait: creating a PGlite database took 160-180 s on a 2-core machine at load 30
      const deadline = Date.now() + 600_000;
      for (;;) {
        const s = await c.request("lamin/status", {});
        if (until(s)) return s;
        if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await c.stop();
    }
  }

  test("the server creates a missing folder (mkdir -p) and opens it", async () => {
    const dir = join(base, "a", "b", "db");
    const s = await statusOf(options(dir), (x) => x.connected);
    assert.equal(s.location, dir);
    assert.ok(existsSync(join(dir, "PG_VERSION")), "a database was created in it");
  });

  test("a folder it cannot create is a clear error", async () => {
    writeFileSync(join(base, "file"), "not a folder");
    const s = await statusOf(options(join(base, "file", "db")), (x) => x.error !== undefined);
    assert.match(s.error!, /Cannot create the embedded database folder .*file.*db.*ENOTDIR/);
  });

  test("an untrusted workspace creates no folder", async () => {
    const dir = join(base, "untrusted", "db");
    const s = await statusOf(options(dir, false), (x) => x.error !== undefined);
    assert.match(s.error!, /untrusted workspace creates none/);
    assert.equal(existsSync(join(base, "untrusted")), false);
  });
});
