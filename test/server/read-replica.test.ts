// Reads on a streaming replica (database.readUrl), writes on the primary, against the harness's real
// primary and hot standby (LAMIN_TEST_REPLICA_URL). Pausing the standby's replay
// (pg_wal_replay_pause()) makes it lag for real: what it serves then is told apart from the primary's
// data. The replica is reached through a TCP relay, so a test can make it unreachable for this window
// alone. A second window reaches the primary through PgBouncer, so it learns of changes by polling the
// change counter rather than by LISTEN. Every wait is for a state; the hang guards only end a run in
// which the state never comes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { connect, Instance, ULabel } from "../../db/index";
import { base62 } from "../../db/uid";
import type { TrackEvent } from "../../server/protocol";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import { onReplica, pauseReplay, replicaAdmin, resumeReplay, waitForReplay } from "../helpers/replica";
import { TcpProxy } from "../helpers/tcp-proxy";
import { at, LspClient, registryChanged } from "./lsp-client";

const GUARD = 5 * 60_000;
let n = 0;
const unique = () => `${process.pid}-${n++}`;

async function labels(client: LspClient, prefix: string): Promise<string[]> {
  const { text, position } = at(`ln.ULabel.get(name="${prefix}|")`);
  const uri = `file:///work/replica${unique()}.py`;
  client.openText(uri, text);
  return (await client.completion(uri, position)).map((i) => i.label);
}

/** Resolves once the client was told, after `seen` notifications, that `registry` changed. */

async function replicaState(client: LspClient, connected: boolean) {
  for (;;) {
    const s = (await client.request("lamin/status", {})).replica;
    assert.ok(s, "lamin/status reports the replica");
    if (s.connected === connected) return s;
    await new Promise((r) => setTimeout(r, 100)); // pacing the status requests only
  }
}

describe("reads on a streaming replica", () => {
  let direct: string;
  let drop: () => Promise<void>;
  let primary: Knex;
  let standby: Knex; // the replica's `postgres` database: replay control
  let replicaDb: Knex; // the test database on the replica
  let other: Instance; // another user's process, writing on the primary
  let proxy: TcpProxy;
  let client: LspClient;

  /** A label saved by another process on the primary (this window learns of it by LISTEN). */
  const othersLabel = (name: string) => Instance.runWith(other, () => new ULabel({ name }).save());
  const onPrimary = async (name: string) =>
    Number(
      (await primary.raw("SELECT count(*)::int AS n FROM lamindb_ulabel WHERE name = ?", [name])).rows[0].n,
    );

  /**
   * A copy of label `from` named `name`, written on the primary with triggers off
   * (session_replication_role): no change notification, so the server has no reason to look at the
   * replica before a read does.
   */
  async function silentCopy(from: string, name: string): Promise<void> {
    const columns = (
      await primary.raw(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'lamindb_ulabel' AND column_name NOT IN ('id', 'uid', 'name')",
      )
    ).rows.map((r: { column_name: string }) => `"${r.column_name}"`);
    await primary.transaction(async (trx) => {
      await trx.raw("SET LOCAL session_replication_role = replica");
      await trx.raw(
        `INSERT INTO lamindb_ulabel (uid, name, ${columns.join(", ")}) SELECT ?, ?, ${columns.join(", ")} FROM lamindb_ulabel WHERE name = ?`,
        [base62(8), name, from],
      );
    });
  }

  before(async () => {
    const db = await createPostgresDatabase();
    direct = db.url;
    drop = db.drop;
    other = await connect({ url: direct, setDefault: false }); // migrates, before the replica is asked
    primary = knexFactory({ client: "pg", connection: direct, pool: { min: 0, max: 1 } });
    standby = replicaAdmin();
    await waitForReplay(primary, standby); // the new database and its migrations
    const replicaUrl = new URL(onReplica(direct));
    replicaDb = knexFactory({ client: "pg", connection: replicaUrl.toString(), pool: { min: 0, max: 1 } });
    proxy = new TcpProxy(replicaUrl.hostname, Number(replicaUrl.port));
    await proxy.open();
    replicaUrl.port = String(proxy.port);
    client = await LspClient.start({
      database: { kind: "postgres", name: "replicated", url: direct, readUrl: replicaUrl.toString() },
      user: { handle: `replica-${process.pid}` },
      trusted: true,
      sessionId: `replica-${process.pid}`,
    });
    await client.ready();
    await replicaState(client, true);
  });

  after(async () => {
    await resumeReplay(standby).catch(() => {});
    await client?.stop();
    await proxy?.close();
    await other?.close();
    await Promise.allSettled([primary?.destroy(), standby?.destroy(), replicaDb?.destroy()]);
    await drop?.();
  });

  test("completions come from the replica: a write it has not replayed is not there until it has", async () => {
    assert.deepEqual(await labels(client, "RPLA"), []);
    await pauseReplay(standby);
    const seen = client.notifications.length;
    await othersLabel("RPLA1");
    assert.equal(await onPrimary("RPLA1"), 1);

    const status = await client.request("lamin/status", {});
    assert.equal(status.replica?.connected, true);
    assert.ok(
      (status.replica?.lagBytes ?? 0) > 0,
      `lag while replay is paused: ${JSON.stringify(status.replica)}`,
    );
    assert.ok((status.replica?.lagSeconds ?? -1) >= 0);
    // a prefix not asked before (nothing cached): the replica answers, without the label
    assert.deepEqual(await labels(client, "RPLA1"), []);

    await resumeReplay(standby);
    // the change is delivered once the replica has it, and the caches refill from there
    await registryChanged(client, seen, "ULabel", GUARD);
    assert.deepEqual(await labels(client, "RPLA1"), ["RPLA1"]);
    assert.equal((await client.request("lamin/status", {})).replica?.connected, true);
  });

  test("with the replica unreachable reads go to the primary, and back to the replica when it returns", async () => {
    await pauseReplay(standby);
    // no notification: nothing in the server looks at the replica before the read below does
    await silentCopy("RPLA1", "RPLB1");
    await proxy.close();
    // the replica cannot have RPLB1 (paused): served, it comes from the primary, after the read
    // on the replica failed for want of a connection
    assert.deepEqual(await labels(client, "RPLB1"), ["RPLB1"]);
    const down = await replicaState(client, false);
    assert.ok(down.error, "the status says why the replica is down");
    // a tree's read too (its errors are not swallowed, as completion's are)
    const page = await client.request("lamin/records", { registry: "ULabel", offset: 0, limit: 50 });
    assert.ok(page.items.some((r) => r.label === "RPLB1"));

    await proxy.open();
    await replicaState(client, true);
    // back on the replica (still paused): another label the primary has is not served
    await othersLabel("RPLB2");
    assert.equal(await onPrimary("RPLB2"), 1);
    assert.deepEqual(await labels(client, "RPLB2"), []);
    await resumeReplay(standby);
  });

  test("a window through PgBouncer (changes come by the poll): another's label is delivered once the replica has it, and the window's own run is in its tree while replay is paused", async () => {
    const pooled = await LspClient.start({
      database: {
        kind: "postgres",
        name: "replicated-pooled",
        url: throughPgbouncer(direct),
        readUrl: onReplica(direct),
      },
      user: { handle: `replica-pooled-${process.pid}` },
      trusted: true,
      sessionId: `replica-pooled-${process.pid}`,
    });
    try {
      await pooled.ready();
      await replicaState(pooled, true);
      assert.equal((await pooled.request("lamin/status", {})).notifications, "poll");
      await pauseReplay(standby);
      const seen = pooled.notifications.length;
      await othersLabel("RPLC1");
      // completions read on the replica, whose replay is paused: the label is not there
      assert.deepEqual(await labels(pooled, "RPLC1"), []);

      const t = Date.now();
      const event: TrackEvent = {
        eventId: `replica-pooled-${unique()}`,
        at: t,
        type: "cellStarted",
        notebook: {
          uri: `file:///work/replica-pooled-${unique()}.ipynb`,
          key: "replica-pooled.ipynb",
          source: "x = 2",
        },
        cell: { index: 0, executionOrder: 1, startTime: t },
      };
      const { run } = await pooled.request("lamin/track", event);
      assert.ok(run);
      // the first read after the write and the next (whatever the window has learned by then of the
      // primary's position after it): both on the primary, the replica has not replayed the run
      for (let i = 0; i < 2; i++) {
        const runs = await pooled.request("lamin/runs", { offset: 0, limit: 50 });
        assert.ok(
          runs.items.some((r) => r.uid === run.uid),
          `the Runs tree shows the window's new run (read ${i + 1})`,
        );
      }

      await resumeReplay(standby);
      await registryChanged(pooled, seen, "ULabel", GUARD);
      assert.deepEqual(await labels(pooled, "RPLC1"), ["RPLC1"]);
    } finally {
      await resumeReplay(standby);
      await pooled.stop();
    }
  });

  test("the window's own new run is in its Runs tree, status bar and describe while replay is paused", async () => {
    await pauseReplay(standby);
    try {
      const uri = `file:///work/replica-${unique()}.ipynb`;
      const t = Date.now();
      const event: TrackEvent = {
        eventId: `replica-${unique()}`,
        at: t,
        type: "cellStarted",
        notebook: {
          uri,
          key: "replica.ipynb",
          source: "import lamindb as ln\nx = 1",
          title: "Replica",
          kernel: { name: "python3", language: "python", version: "3.12" },
        },
        cell: { index: 0, executionOrder: 1, startTime: t },
      };
      const { run } = await client.request("lamin/track", event);
      assert.ok(run);
      const onReplicaNow = await replicaDb.raw("SELECT count(*)::int AS n FROM lamindb_run WHERE uid = ?", [
        run.uid,
      ]);
      assert.equal(onReplicaNow.rows[0].n, 0, "the replica has not replayed the run");

      const runs = await client.request("lamin/runs", { offset: 0, limit: 50 });
      assert.ok(
        runs.items.some((r) => r.uid === run.uid),
        "the Runs tree shows the window's new run",
      );
      const active = await client.request("lamin/activeRun", { notebookUri: uri });
      assert.equal(active?.uid, run.uid);
      const described = await client.request("lamin/describe", { registry: "Run", uid: run.uid });
      assert.ok(JSON.stringify(described).includes(run.uid));
    } finally {
      await resumeReplay(standby);
    }
  });
});
