// connect({ readOnly }) (an untrusted workspace): no migration, no user row, and every statement in a
// read-only transaction, on a direct connection and through a transaction-mode pooler, without the
// setting leaking to other clients of the pooler. withStatementTimeout(): bounded statements are
// cancelled by the server, and the timeout does not outlive them (with values too, where the settings
// are pipelined before the statement).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory from "knex";
import { connect, NotMigrated, withStatementTimeout, type Instance } from "../../db/index";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";

const readOnlyError = /read-only transaction/;

describe("read-only instances and statement timeouts [postgres]", () => {
  let db: { url: string; drop: () => Promise<void> };
  before(async () => {
    db = await createPostgresDatabase();
    await (await connect({ url: db.url, setDefault: false })).close(); // migrated by a trusted open
  });
  after(() => db?.drop());

  for (const route of ["direct", "pgbouncer"] as const) {
    const url = () => (route === "direct" ? db.url : throughPgbouncer(db.url));

    test(`[${route}] every statement is read-only; no user row is made; a trusted client is unaffected`, async () => {
      const ro = await connect({
        url: url(),
        readOnly: true,
        user: { handle: "nobody-here" },
        setDefault: false,
      });
      const rw = await connect({ url: url(), setDefault: false, maxConnections: 1 });
      try {
        assert.equal(ro.userId, 0, "no user row for a read-only instance");
        const users = await rw.knex("lamindb_user").where({ handle: "nobody-here" });
        assert.equal(users.length, 0);
        await assert.rejects(ro.knex.raw("CREATE TABLE evil (i int)"), readOnlyError);
        await assert.rejects(ro.knex("lamindb_ulabel").where({ id: 1 }).delete(), readOnlyError);
        await assert.rejects(
          ro.statements.query({ text: "UPDATE lamindb_user SET name = $1", values: ["x"] }),
          readOnlyError,
        );
        await assert.rejects(
          ro.knex.transaction((trx) => trx.raw("CREATE TABLE evil (i int)")),
          readOnlyError,
        );
        assert.ok((await ro.knex.raw("SELECT count(*) FROM lamindb_ulabel")).rows.length === 1, "reads work");
        // the pooler's server connections carry nothing of it
        await rw.knex.raw("CREATE TABLE fine (i int)");
        await rw.knex.raw("DROP TABLE fine");
      } finally {
        await ro.close();
        await rw.close();
      }
    });

    test(`[${route}] a bounded statement is cancelled by its statement_timeout, which does not outlive it`, async () => {
      const instance: Instance = await connect({ url: url(), setDefault: false, maxConnections: 1 });
      try {
        await assert.rejects(
          withStatementTimeout(50, () => instance.knex.raw("SELECT pg_sleep(30)")),
          /statement timeout/,
        );
        const r = await instance.knex.raw("SELECT current_setting('statement_timeout') AS t");
        assert.equal(r.rows[0].t, "0", "the connection's own setting is untouched");
        // with values, unnamed and named (parsed here, then reused): the setting pipelined before it
        for (const prepare of [false, true, true]) {
          await assert.rejects(
            withStatementTimeout(50, () =>
              instance.statements.query({ text: "SELECT pg_sleep($1::float8)", values: [30] }, { prepare }),
            ),
            /statement timeout/,
          );
        }
        const rows = await withStatementTimeout(5_000, () =>
          instance.statements.query(
            { text: "SELECT current_setting('statement_timeout') AS t, $1::int AS v", values: [7] },
            { prepare: true },
          ),
        );
        assert.deepEqual(rows, [{ t: "5s", v: 7 }], "the setting holds for the statement; its rows only");
        const after = await instance.statements.query({
          text: "SELECT current_setting('statement_timeout') AS t, $1::int AS v",
          values: [8],
        });
        assert.deepEqual(after, [{ t: "0", v: 8 }], "and does not outlive it");
      } finally {
        await instance.close();
      }
    });
  }

  test("an unmigrated database opened read-only: NotMigrated, and no table is created", async () => {
    const empty = await createPostgresDatabase();
    try {
      await assert.rejects(connect({ url: empty.url, readOnly: true, setDefault: false }), (e) => {
        assert.ok(e instanceof NotMigrated, String(e));
        return true;
      });
      const check = knexFactory({ client: "pg", connection: empty.url, pool: { min: 0, max: 1 } });
      try {
        const r = await check.raw(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
        );
        assert.equal(r.rows[0].n, 0, "no table");
      } finally {
        await check.destroy();
      }
    } finally {
      await empty.drop();
    }
  });
});
