// Through a transaction-mode pooler (PgBouncer, as managed PostgreSQL services run one) a client's
// statements land on whichever server connection is free, so named prepared statements and session
// settings break. The measurement: 8 writers, each its own process as a window's server is,
// doing a label save, a run save and a typeahead prefix filter 100 times each, with zero failures,
// through PgBouncer and on a direct connection.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import knexFactory from "knex";
import { connect } from "../../db/index";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";

const WRITERS = 8;
const ROUNDS = 100;
const WRITER = join(__dirname, "..", "helpers", "pool-writer.ts");

interface WriterResult {
  ok: number;
  failures: Record<string, number>;
}

function runWriter(url: string, tag: number): Promise<WriterResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, url, String(tag), String(ROUNDS)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`writer ${tag} exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as WriterResult);
    });
  });
}

for (const via of ["direct", "pgbouncer"] as const) {
  describe(`concurrent writers [postgres ${via}]`, () => {
    let direct: string;
    let url: string;
    let drop: () => Promise<void>;
    before(async () => {
      const db = await createPostgresDatabase();
      drop = db.drop;
      direct = db.url;
      url = via === "direct" ? db.url : throughPgbouncer(db.url);
    });
    after(async () => await drop?.());

    test("connect() uses named statements only on a direct connection", async () => {
      // the first connect() also brings the schema up, through the configuration under test
      const instance = await connect({ url, setDefault: false });
      try {
        assert.equal(instance.info.namedStatements, via === "direct");
        assert.equal(instance.info.pooled, via === "pgbouncer");
        // no session setting: through the pooler it would land on a shared server connection, and a
        // direct connection's named INSERTs should reach a generic plan (connection/pooler.ts)
        const plans = await instance.knex.raw("SHOW plan_cache_mode");
        assert.equal(plans.rows[0].plan_cache_mode, "auto");
      } finally {
        await instance.close();
      }
    });

    test(`${WRITERS} writers x ${ROUNDS} label saves, run saves and prefix filters: no failure`, async () => {
      const results = await Promise.all(Array.from({ length: WRITERS }, (_, i) => runWriter(url, i)));
      const failures: Record<string, number> = {};
      for (const r of results)
        for (const [code, n] of Object.entries(r.failures)) failures[code] = (failures[code] ?? 0) + n;
      const ops = WRITERS * ROUNDS * 3;
      const failed = Object.values(failures).reduce((a, b) => a + b, 0);
      assert.deepEqual(
        failures,
        {},
        `${failed} of ${ops} operations failed (${((100 * failed) / ops).toFixed(1)}%) by SQLSTATE`,
      );
      assert.equal(
        results.reduce((a, r) => a + r.ok, 0),
        ops,
      );
      // every write is there, read on a direct connection
      const check = knexFactory({ client: "pg", connection: direct, pool: { min: 0, max: 1 } });
      try {
        const labels = await check.raw(
          `SELECT count(*)::int AS n FROM lamindb_ulabel WHERE name LIKE 'w%-label-%'`,
        );
        const runs = await check.raw(`SELECT count(*)::int AS n FROM lamindb_run WHERE name LIKE 'w%-run-%'`);
        assert.equal(labels.rows[0].n, WRITERS * ROUNDS);
        assert.equal(runs.rows[0].n, WRITERS * ROUNDS);
      } finally {
        await check.destroy();
      }
    });

    test("a pgbouncer=true URL parameter says so without detection", async () => {
      const u = new URL(direct);
      u.searchParams.set("pgbouncer", "true");
      const instance = await connect({ url: u.toString(), setDefault: false });
      try {
        assert.equal(instance.info.namedStatements, false);
        assert.equal(instance.info.pooled, true);
      } finally {
        await instance.close();
      }
    });
  });
}
