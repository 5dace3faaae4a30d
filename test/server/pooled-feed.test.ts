// Freshness and the connection budget of windows that reach PostgreSQL through PgBouncer in
// transaction mode (the harness's, LAMIN_TEST_PGBOUNCER_URL), where LISTEN cannot pass: another
// window's writes arrive through the change counter's poll, only while the window is focused; with a
// direct URL beside the pooled one LISTEN runs there; and pg_stat_activity never shows more of a
// window's connections than its budget. Every wait is for a state; the hang guards only end a run
// in which the state never comes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { connect } from "../../db/index";
import type { LaminInitializationOptions } from "../../server/protocol";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import { at, LspClient, registryChanged } from "./lsp-client";
import { evaluateOk } from "./fixtures";

const GUARD = 5 * 60_000;
let n = 0;
const unique = () => `${process.pid}-${n++}`;

async function labels(client: LspClient, prefix: string): Promise<string[]> {
  const { text, position } = at(`ln.ULabel.get(name="${prefix}|")`);
  const uri = `file:///work/pooled${unique()}.py`;
  client.openText(uri, text);
  return (await client.completion(uri, position)).map((i) => i.label);
}

async function window(
  database: LaminInitializationOptions["database"],
  sessionId: string,
  extra: Partial<LaminInitializationOptions> = {},
): Promise<LspClient> {
  const client = await LspClient.start({
    database,
    user: { handle: sessionId },
    trusted: true,
    sessionId,
    ...extra,
  });
  await client.ready();
  return client;
}

/** Resolves once the client was told, after `seen` notifications, that `registry` changed. */

async function polls(client: LspClient): Promise<number> {
  const s = await client.request("lamin/status", {});
  assert.equal(s.notifications, "poll");
  return s.polls ?? -1;
}

/** Waits until `client` has polled `more` times after now: a clock made of the other window's polls. */
async function afterPolls(client: LspClient, more: number): Promise<void> {
  const start = await polls(client);
  for (;;) {
    if ((await polls(client)) >= start + more) return;
    await new Promise((r) => setTimeout(r, 100)); // pacing the status requests only
  }
}

describe("a window behind PgBouncer (transaction mode)", () => {
  let direct: string;
  let pooled: string;
  let drop: () => Promise<void>;
  let admin: Knex;
  let a: LspClient;
  let b: LspClient;

  before(async () => {
    const db = await createPostgresDatabase();
    direct = db.url;
    drop = db.drop;
    pooled = throughPgbouncer(direct);
    await (await connect({ url: direct, setDefault: false })).close(); // migrate once, before the windows race
    admin = knexFactory({ client: "pg", connection: direct, pool: { min: 0, max: 1 } });
    a = await window({ kind: "postgres", name: "pooled", url: pooled }, `pool-a-${process.pid}`);
    b = await window({ kind: "postgres", name: "pooled", url: pooled }, `pool-b-${process.pid}`);
  });

  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await admin?.destroy();
    await drop?.();
  });

  test("another window's label and run reach completions and the Runs tree through the poll", async () => {
    const status = await a.request("lamin/status", {});
    assert.equal(status.notifications, "poll", "no LISTEN through a transaction-mode pooler");
    const listening = await admin.raw(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND datname = current_database()",
    );
    assert.equal(listening.rows[0].n, 0);
    assert.deepEqual(await labels(a, "POLLA"), []);
    const runsBefore = await a.request("lamin/runs", { offset: 0, limit: 50 });

    const seen = a.notifications.length;
    await evaluateOk(
      b,
      `await new ln.ULabel({ name: "POLLA1" }).save();
       const t = await new ln.Transform({ key: "pooled.ipynb", kind: "notebook", source_code: "x" }).save();
       await new ln.Run(t, { name: "other-window", status: "started" }).save();`,
    );
    await registryChanged(a, seen, "ULabel", GUARD);
    await registryChanged(a, seen, "Run", GUARD);
    // requests are answered in order: asked after the notification, they see the other window's rows
    assert.deepEqual(await labels(a, "POLLA"), ["POLLA1"]);
    const runs = await a.request("lamin/runs", { offset: 0, limit: 50 });
    assert.equal(runs.total, runsBefore.total + 1);
    assert.ok(runs.items.some((r) => r.name === "other-window" && r.created_by === `pool-b-${process.pid}`));
  });

  test("an unfocused window does not poll; focused again it polls at once and sees what changed", async () => {
    await a.connection.sendNotification("lamin/windowFocus", { focused: false });
    // notifications and requests are handled in order: no poll starts after this count
    const unfocused = await polls(a);
    const seen = a.notifications.length;
    await evaluateOk(b, 'await new ln.ULabel({ name: "POLLB1" }).save()');
    // b's own polls are the clock: three of them take two seconds or more, twice a's interval
    await afterPolls(b, 3);
    assert.equal(await polls(a), unfocused, "the unfocused window sent no poll");
    assert.equal(
      a.notifications.slice(seen).some((m) => m.method === "lamin/registryChanged"),
      false,
      "nothing reached the unfocused window",
    );

    await a.connection.sendNotification("lamin/windowFocus", { focused: true });
    await registryChanged(a, seen, "ULabel", GUARD);
    assert.ok((await polls(a)) > unfocused);
    assert.deepEqual(await labels(a, "POLLB"), ["POLLB1"]);
  });

  test("with a direct URL beside the pooled one, the window LISTENs there", async () => {
    const c = await window(
      { kind: "postgres", name: "pooled", url: pooled, directUrl: direct },
      `pool-c-${process.pid}`,
    );
    try {
      const status = await c.request("lamin/status", {});
      assert.equal(status.notifications, "listen");
      assert.equal(status.polls, undefined);
      // the LISTEN connection carries the window's application_name, on the server directly
      for (;;) {
        const r = await admin.raw(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ? AND query ILIKE 'LISTEN%'",
          [status.applicationName!],
        );
        if (r.rows[0].n === 1) break;
        await new Promise((res) => setTimeout(res, 100)); // pacing only: waiting for the state
      }
      const seen = c.notifications.length;
      await evaluateOk(b, 'await new ln.ULabel({ name: "POLLC1" }).save()');
      await registryChanged(c, seen, "ULabel", GUARD);
      assert.deepEqual(await labels(c, "POLLC"), ["POLLC1"]);
    } finally {
      await c.stop();
    }
  });
});

describe("a window's connection budget", () => {
  let drop: () => Promise<void>;
  let admin: Knex;
  let w: LspClient;
  let name: string;

  before(async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    admin = knexFactory({ client: "pg", connection: db.url, pool: { min: 0, max: 1 } });
    w = await window({ kind: "postgres", name: "budget", url: db.url }, `budget-${process.pid}`, {
      connections: { max: 3, idleSeconds: 1 },
    });
    name = (await w.request("lamin/status", {})).applicationName!;
    await evaluateOk(w, `for (let i = 0; i < 30; i++) await new ln.ULabel({ name: "BUDGET" + i }).save();`);
  });

  after(async () => {
    await w?.stop();
    await admin?.destroy();
    await drop?.();
  });

  const connections = async () =>
    Number(
      (await admin.raw("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ?", [name]))
        .rows[0].n,
    );

  test("under 60 parallel requests pg_stat_activity shows at most 3 + 1 LISTEN; idle ones are closed", async () => {
    let done = false;
    const requests = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? w.request("lamin/records", { registry: "ULabel", offset: i % 7, limit: 20, search: "BUDGET" })
          : i % 3 === 1
            ? w.request("lamin/runs", { offset: 0, limit: 20 })
            : w.request("lamin/registryCounts", {}),
      ),
    ).finally(() => (done = true));
    let peak = 0;
    while (!done) {
      peak = Math.max(peak, await connections());
    }
    await requests;
    assert.ok(peak >= 2, `the load used the pool (peak ${peak})`);
    assert.ok(peak <= 4, `at most 3 pooled + 1 LISTEN connections, saw ${peak}`);
    // idle for a second: the pool closes its connections, the LISTEN one stays
    for (;;) {
      if ((await connections()) === 1) break;
      await new Promise((r) => setTimeout(r, 100)); // pacing only: waiting for the state
    }
  });
});
