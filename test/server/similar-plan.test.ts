// "Did you mean" on a registry of many records reads the trigram index, never the whole table: with
// lower(name) in its statement it scanned all 100,000 ULabels on every call (docs/scaling.md).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect, type Instance } from "../../db/index";
import { sql } from "../../db/query/sql";
import { registryByName, similar, similarStatement } from "../../server/data/query-api";
import { createPostgresDatabase } from "../helpers/databases";

let db: { url: string; drop: () => Promise<void> };
let instance: Instance;

before(async () => {
  db = await createPostgresDatabase();
  instance = await connect({ url: db.url, setDefault: false });
  await instance.knex.raw(
    `INSERT INTO lamindb_ulabel (uid, name, created_by_id)
       SELECT 's' || lpad(i::text, 7, '0'), 'Label ' || md5(i::text), 1 FROM generate_series(1, 20000) i`,
  );
  await instance.knex.raw(
    "INSERT INTO lamindb_ulabel (uid, name, created_by_id) VALUES ('sUnknown', 'Unknown', 1)",
  );
  await instance.knex.raw("ANALYZE lamindb_ulabel");
});

after(async () => {
  await instance?.close();
  await db?.drop();
});

test("did-you-mean can read the trigram index (no sequential scan), and ignores case", async () => {
  const ulabel = registryByName("ULabel");
  const statement = similarStatement(ulabel, "UNKNWON", true);
  assert.ok(statement);
  // the planner may still prefer a scan of a table this small; what matters is that the index can serve
  // the statement at all (with lower(name) it could not, and the plan stayed a scan even with scans off)
  const { sql: text, bindings } = sql`EXPLAIN ${statement}`.toKnex();
  const plan = await instance.knex.transaction(async (trx) => {
    await trx.raw("SET LOCAL enable_seqscan = off");
    const r = await trx.raw(text, bindings as never[]);
    return (r.rows as Array<{ "QUERY PLAN": string }>).map((row) => row["QUERY PLAN"]).join("\n");
  });
  assert.match(plan, /Bitmap Index Scan on lamindb_ulabel_name_trgm/, plan);
  assert.doesNotMatch(plan, /Seq Scan on lamindb_ulabel/, plan);
  const found = await similar(ulabel, instance, "UNKNWON");
  assert.equal((found[0]?.record as { name?: string } | undefined)?.name, "Unknown");
});
