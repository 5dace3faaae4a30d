// The change counter of migration 0005, through PgBouncer in transaction mode (the harness's): the
// triggers append to lamin_vscode_change in the writing transaction, so a poller's per-table sum moves
// when that transaction commits and not before, a rolled-back write moves nothing, folding keeps every
// sum, and concurrent writers touching two tables in opposite orders never deadlock on the counter.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { connect } from "../../db/index";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";

const uid = (n: number) => randomBytes(n).toString("hex").slice(0, n);

async function sums(k: Knex): Promise<Record<string, number>> {
  const r = await k.raw("SELECT tbl, sum(n)::bigint AS v FROM lamin_vscode_change GROUP BY tbl");
  return Object.fromEntries(r.rows.map((row: { tbl: string; v: number }) => [row.tbl, Number(row.v)]));
}

describe("the change counter through PgBouncer (transaction mode)", () => {
  let drop: () => Promise<void>;
  let k: Knex;
  let reader: Knex;

  before(async () => {
    const db = await createPostgresDatabase();
    drop = db.drop;
    const url = throughPgbouncer(db.url);
    await (await connect({ url, setDefault: false })).close(); // migrates through the pooler
    k = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 8 } });
    reader = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 1 } });
  });

  after(async () => {
    await k?.destroy();
    await reader?.destroy();
    await drop?.();
  });

  test("a write moves its table's sum when it commits, not before; a rolled-back write moves nothing", async () => {
    const start = (await sums(reader)).lamindb_ulabel ?? 0;
    const trx = await k.transaction();
    await trx("lamindb_ulabel").insert({ uid: uid(8), name: "counted", created_by_id: 1 });
    assert.equal((await sums(reader)).lamindb_ulabel ?? 0, start, "invisible before the commit");
    await trx.commit();
    assert.equal((await sums(reader)).lamindb_ulabel, start + 1);

    const rolled = await k.transaction();
    await rolled("lamindb_ulabel").insert({ uid: uid(8), name: "rolled back", created_by_id: 1 });
    await rolled.rollback();
    assert.equal((await sums(reader)).lamindb_ulabel, start + 1);

    await k("lamindb_ulabel").insert(
      [1, 2, 3].map((i) => ({ uid: uid(8), name: `bulk${i}`, created_by_id: 1 })),
    );
    assert.equal((await sums(reader)).lamindb_ulabel, start + 2, "one statement, one count");
  });

  test("folding keeps every sum and leaves one row per table", async () => {
    await k("lamindb_project").insert({ uid: uid(12), name: "folded", created_by_id: 1 });
    const before = await sums(reader);
    await k.raw("SELECT lamin_vscode_compact_changes()");
    assert.deepEqual(await sums(reader), before);
    const rows = await reader.raw("SELECT count(*)::int AS n FROM lamin_vscode_change");
    assert.equal(rows.rows[0].n, Object.keys(before).length);
  });

  test("8 writers, each 40 transactions over two tables in opposite orders: no failure, every write counted", async () => {
    const before = await sums(reader);
    const writer = async (w: number) => {
      for (let i = 0; i < 40; i++) {
        await k.transaction(async (trx) => {
          const label = () =>
            trx("lamindb_ulabel").insert({ uid: uid(8), name: `w${w}-${i}`, created_by_id: 1 });
          const project = () =>
            trx("lamindb_project").insert({ uid: uid(12), name: `w${w}-${i}`, created_by_id: 1 });
          if (w % 2 === 0) {
            await label();
            await project();
          } else {
            await project();
            await label();
          }
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const after = await sums(reader);
    assert.equal(after.lamindb_ulabel - (before.lamindb_ulabel ?? 0), 320);
    assert.equal(after.lamindb_project - (before.lamindb_project ?? 0), 320);
  });
});
