// When the server says it is connected, its change feed already sees commits: another process's write
// made right after the announcement reaches the window (lamin/registryChanged). Before, the LISTEN
// connection was opened after the announcement, and such a write's NOTIFY was lost in 27 of 30 starts.
// Three starts per configuration, each a fresh server on the same database. A LISTEN connection that
// drops and comes back tells the window that anything may have changed (registryChanged "*"). A direct
// URL that refuses connections still lets the window connect, and status says the feed sees nothing.
// The server runs in this process; every wait is for a state, the guard only ends a hang.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { connect } from "../../db/index";
import type { LaminInitializationOptions } from "../../server/protocol";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import { startInProcess } from "./in-process";
import { registryChanged } from "./lsp-client";

const GUARD = 5 * 60_000;
let n = 0;

describe("the change feed at the server's start", () => {
  let url: string;
  let drop: () => Promise<void>;
  let admin: Knex;

  before(async () => {
    const db = await createPostgresDatabase();
    url = db.url;
    drop = db.drop;
    await (await connect({ url, setDefault: false })).close(); // migrated once, before the servers start
    admin = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 1 } });
  });

  after(async () => {
    await admin?.destroy();
    await drop?.();
  });

  async function started(database: LaminInitializationOptions["database"]) {
    const served = await startInProcess({
      database,
      user: { handle: "tester" },
      trusted: true,
      sessionId: `feed-start-${process.pid}-${n++}`,
    });
    await served.client.ready();
    return served;
  }

  for (const via of ["postgres", "pgbouncer"] as const)
    test(`[${via}] a write made as the server says it is connected reaches the window`, async () => {
      for (let i = 0; i < 3; i++) {
        const served = await started({
          kind: "postgres",
          name: "feed",
          url: via === "pgbouncer" ? throughPgbouncer(url) : url,
        });
        try {
          const seen = served.client.notifications.length;
          const uid = `fs${String(n).padStart(6, "0")}`;
          await admin("lamindb_ulabel").insert({ uid, name: `feed start ${uid}`, created_by_id: 1 });
          await registryChanged(served.client, seen, "ULabel", GUARD);
          const status = await served.client.request("lamin/status", {});
          assert.equal(status.notifications, via === "pgbouncer" ? "poll" : "listen");
        } finally {
          await served.close();
        }
      }
    });

  test("[postgres] a LISTEN connection that drops and comes back makes every tree refresh", async () => {
    const served = await started({ kind: "postgres", name: "feed", url });
    try {
      const seen = served.client.notifications.length;
      // the server's one LISTEN connection (ready() said connected only once it listened)
      const r = await admin.raw<{ rows: Array<{ ended: boolean }> }>(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN lamin_changes' AND pid <> pg_backend_pid()`,
      );
      assert.deepEqual(
        r.rows.map((x) => x.ended),
        [true],
      );
      // what changed while it was gone is unknown: the window hears "*", and status says listen again
      await registryChanged(served.client, seen, "*", GUARD);
      const status = await served.client.request("lamin/status", {});
      assert.equal(status.notifications, "listen");
    } finally {
      await served.close();
    }
  });

  test("a direct URL that refuses connections: connected is said, and status says the feed sees nothing", async () => {
    const refused = new URL(url);
    refused.port = "1";
    const served = await started({
      kind: "postgres",
      name: "feed",
      url: throughPgbouncer(url),
      directUrl: refused.toString(),
    });
    try {
      const status = await served.client.request("lamin/status", {});
      assert.equal(status.connected, true);
      assert.equal(status.notifications, "none");
    } finally {
      await served.close();
    }
  });
});
