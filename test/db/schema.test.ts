// The schema, read back from information_schema and pg_catalog and compared with LaminDB's own
// declarations (parsed from LaminDB's migration, not from this project's model files).
import assert from "node:assert/strict";
import { test } from "node:test";
import knexFactory from "knex";
import { connect } from "../../db/index";
import { describeEachDatabase, createPostgresDatabase } from "../helpers/databases";
import { autoLinkTable, readLaminDBSchema, type ExpectedTable } from "../helpers/lamindb-reference";

const TABLES = [
  "lamindb_user",
  "lamindb_space",
  "lamindb_branch",
  "lamindb_storage",
  "lamindb_transform",
  "lamindb_run",
  "lamindb_artifact",
  "lamindb_collection",
  "lamindb_ulabel",
  "lamindb_record",
  "lamindb_project",
  "lamindb_feature",
  "lamindb_jsonvalue",
  "lamindb_runblock",
  "lamindb_runulabel",
  "lamindb_runproject",
  "lamindb_runjsonvalue",
  "lamindb_runrecord",
];

function expectedTables(): ExpectedTable[] {
  const lamin = readLaminDBSchema();
  const tables = TABLES.map((t) => {
    const e = lamin.get(t);
    assert.ok(e, `LaminDB declares ${t}`);
    return e;
  });
  const int = "integer";
  tables.push(
    autoLinkTable("lamindb_artifact_input_of_runs", ["artifact_id", int], ["run_id", "bigint"]),
    autoLinkTable("lamindb_artifact_recreating_runs", ["artifact_id", int], ["run_id", "bigint"]),
    autoLinkTable("lamindb_collection_input_of_runs", ["collection_id", int], ["run_id", "bigint"]),
    autoLinkTable("lamindb_collection_recreating_runs", ["collection_id", int], ["run_id", "bigint"]),
    autoLinkTable("lamindb_record_input_of_runs", ["record_id", int], ["run_id", "bigint"]),
  );
  return tables;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: "YES" | "NO";
  column_default: string | null;
  is_identity: "YES" | "NO";
}

describeEachDatabase("schema", (ctx) => {
  test("every table has LaminDB's columns, types, lengths, nullability and defaults", async () => {
    const rows: ColumnRow[] = (
      await ctx.instance.knex.raw(
        `SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name LIKE 'lamindb_%'`,
      )
    ).rows;
    for (const t of expectedTables()) {
      const actual = new Map(rows.filter((r) => r.table_name === t.table).map((r) => [r.column_name, r]));
      assert.deepEqual([...actual.keys()].sort(), [...t.columns.keys()].sort(), `columns of ${t.table}`);
      for (const c of t.columns.values()) {
        const a = actual.get(c.column)!;
        const where = `${t.table}.${c.column}`;
        assert.equal(a.data_type, c.dataType, `type of ${where}`);
        assert.equal(
          a.character_maximum_length === null ? null : Number(a.character_maximum_length),
          c.maxLength,
          `length of ${where}`,
        );
        assert.equal(a.is_nullable === "YES", c.nullable, `nullability of ${where}`);
        const hasDefault = a.column_default !== null || a.is_identity === "YES";
        assert.equal(hasDefault, c.hasDefault, `database default of ${where}: ${a.column_default}`);
      }
    }
  });

  test("defaults are LaminDB's: now() timestamps, status -3, branch/space 1, is_locked false", async () => {
    const defaults = new Map(
      (
        await ctx.instance.knex.raw(
          `SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'lamindb_run'`,
        )
      ).rows.map((r: { column_name: string; column_default: string | null }) => [
        r.column_name,
        r.column_default,
      ]),
    );
    assert.match(String(defaults.get("started_at")), /statement_timestamp/i);
    assert.match(String(defaults.get("created_at")), /statement_timestamp/i);
    assert.match(String(defaults.get("_status_code")), /-3/);
    assert.equal(String(defaults.get("branch_id")), "1");
    assert.match(String(defaults.get("space_id")), /^'?1'?(::smallint)?$/);
    assert.equal(String(defaults.get("is_locked")), "false");
  });

  test("unique constraints: uids, unique fields, unique_together and partial uniques", async () => {
    const uniques: Array<{ table: string; columns: string[]; partial: boolean }> = (
      await ctx.instance.knex.raw(
        `SELECT t.relname AS table, i.indisunique, i.indpred IS NOT NULL AS partial,
                array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k ORDER BY a.attname), ',') AS cols
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname LIKE 'lamindb_%' AND i.indisunique`,
      )
    ).rows.map((r: { table: string; cols: string; partial: boolean }) => ({
      table: r.table,
      columns: r.cols ? r.cols.split(",") : [],
      partial: r.partial,
    }));
    const has = (table: string, columns: string[], partial = false) =>
      uniques.some(
        (u) => u.table === table && u.partial === partial && u.columns.join() === [...columns].sort().join(),
      );
    for (const t of expectedTables()) {
      for (const c of t.columns.values())
        if (c.unique) assert.ok(has(t.table, [c.column]), `UNIQUE(${t.table}.${c.column})`);
      for (const ut of t.uniqueTogether) {
        const cols = ut.map((c) => (t.columns.has(c) ? c : `${c}_id`));
        assert.ok(has(t.table, cols), `UNIQUE(${t.table} ${cols})`);
      }
    }
    assert.ok(has("lamindb_artifact", ["storage_id", "key", "hash"], true));
    assert.ok(has("lamindb_artifact", ["storage_id", "hash"], true));
    assert.ok(has("lamindb_runrecord", ["run_id", "record_id", "feature_id"], true));
    assert.ok(has("lamindb_runrecord", ["run_id", "record_id"], true));
    // lower(name) uniques on branch and space are expression indexes: no plain columns
    const expr = await ctx.instance.knex.raw(
      `SELECT indexdef FROM pg_indexes WHERE indexname IN ('unique_branch_name_lower', 'unique_space_name_lower')`,
    );
    assert.equal(expr.rows.length, 2);
    for (const r of expr.rows) assert.match(r.indexdef, /UNIQUE INDEX .*lower\(\(?name/i);
  });

  test("foreign keys point to LaminDB's targets, DEFERRABLE INITIALLY DEFERRED, without ON DELETE", async () => {
    const fks: Array<{
      table: string;
      column: string;
      target: string;
      deferrable: boolean;
      deferred: boolean;
      del: string;
    }> = (
      await ctx.instance.knex.raw(
        `SELECT c.conrelid::regclass::text AS table, a.attname AS column, c.confrelid::regclass::text AS target,
                c.condeferrable AS deferrable, c.condeferred AS deferred, c.confdeltype AS del
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f'`,
      )
    ).rows;
    const lamin = readLaminDBSchema();
    let checked = 0;
    for (const t of expectedTables()) {
      for (const [column, target] of t.foreignKeys) {
        if (!lamin.has(`lamindb_${target}`) || !TABLES.includes(`lamindb_${target}`)) continue; // e.g. schema
        const fk = fks.find((f) => f.table === t.table && f.column === column);
        assert.ok(fk, `FK ${t.table}.${column}`);
        assert.equal(fk.target, `lamindb_${target}`, `target of ${t.table}.${column}`);
        assert.ok(fk.deferrable && fk.deferred, `${t.table}.${column} is DEFERRABLE INITIALLY DEFERRED`);
        assert.equal(fk.del, "a", `${t.table}.${column} has no ON DELETE action`);
        checked++;
      }
    }
    assert.ok(checked > 60, `checked ${checked} foreign keys`);
  });

  test("check constraint on features, and indexes for search and completion", async () => {
    await assert.rejects(
      ctx.instance
        .knex("lamindb_feature")
        .insert({ uid: "abcdefghijkl", name: "x", array_rank: 0, array_size: 0, created_by_id: 1 }),
      /feature_dtype_str_not_null_when_is_type_false/,
    );
    const idx: string[] = (
      await ctx.instance.knex.raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'`)
    ).rows.map((r: { indexdef: string }) => r.indexdef);
    for (const table of [
      "lamindb_ulabel",
      "lamindb_record",
      "lamindb_project",
      "lamindb_feature",
      "lamindb_transform",
      "lamindb_artifact",
    ]) {
      assert.ok(
        idx.some((d) => d.includes(`${table} USING gin `) && d.includes("gin_trgm_ops")),
        `trigram index on ${table}`,
      );
    }
    assert.ok(
      idx.some((d) => /lamindb_ulabel .*lower\(\(name\)::text\) text_pattern_ops/.test(d)),
      "lower(name) prefix index",
    );
    assert.ok(
      idx.some((d) => /lamindb_run_uid_like .*varchar_pattern_ops/.test(d)),
      "Django's *_like index on uid",
    );
    assert.ok(
      idx.some((d) => /lamindb_run__status_code_idx/.test(d)),
      "btree index on _status_code",
    );
  });

  test("seed rows as LaminDB lays them", async () => {
    const k = ctx.instance.knex;
    assert.deepEqual(await k("lamindb_space").select("id", "name", "uid"), [
      { id: 1, name: "all", uid: "aaaaaaaaaaaa" },
    ]);
    assert.deepEqual(await k("lamindb_branch").select("id", "name", "uid").orderBy("id"), [
      { id: -1, name: "trash", uid: "tttttttttttt" },
      { id: 0, name: "archive", uid: "aaaaaaaaaaaa" },
      { id: 1, name: "main", uid: "mmmmmmmmmmmm" },
    ]);
    const users = await k("lamindb_user").select("id", "uid", "handle");
    assert.deepEqual(users, [{ id: 1, uid: "00000000", handle: "anonymous" }]);
    // the identity sequences moved past the seeded ids
    const [b] = await k("lamindb_branch")
      .insert({ name: "draft", uid: "dddddddddddd", created_by_id: 1 })
      .returning("id");
    assert.equal(b.id, 2);
    await k("lamindb_branch").where({ id: 2 }).delete();
  });
});

test("migrations are idempotent: reconnecting changes nothing", async () => {
  const db = await createPostgresDatabase();
  try {
    const first = await connect({ url: db.url, setDefault: false });
    const count = async () =>
      Number(
        (
          await first.knex.raw(
            "SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'public'",
          )
        ).rows[0].n,
      );
    const before = await count();
    const second = await connect({ url: db.url, setDefault: false });
    assert.deepEqual(second.info.schema, {
      managedBy: "lamin-vscode",
      applied: ["0001_initial", "0002_search_indexes", ...extra(second)],
    });
    assert.equal(await count(), before);
    assert.equal(
      Number((await first.knex("lamindb_branch").count("* as n"))[0].n),
      3,
      "seeds are not inserted twice",
    );
    await second.close();
    await first.close();
  } finally {
    await db.drop();
  }
});

function extra(instance: { info: { schema: { managedBy: string; applied?: string[] } } }): string[] {
  // later migrations (added by later issues) are listed after the first two
  return (instance.info.schema.applied ?? []).slice(2);
}

test("a database created by LaminDB is used as it is and its migration reported", async () => {
  const db = await createPostgresDatabase();
  const k = knexFactory({ client: "pg", connection: db.url });
  try {
    // What LaminDB leaves: django_migrations with app lamindb, and its own lamindb_run.
    await k.raw(
      `CREATE TABLE django_migrations (id bigserial PRIMARY KEY, app varchar(255), name varchar(255), applied timestamptz)`,
    );
    await k("django_migrations").insert([
      { app: "lamindb", name: "0192_something", applied: new Date("2026-01-01") },
      { app: "lamindb", name: "0193_squashed", applied: new Date("2026-02-01") },
      { app: "contenttypes", name: "0002_remove", applied: new Date("2026-03-01") },
    ]);
    await k.raw(`CREATE TABLE lamindb_run (id bigint PRIMARY KEY, uid varchar(20))`);
    await k.raw(
      `CREATE TABLE lamindb_user (id integer PRIMARY KEY, uid varchar(8), handle varchar(30) UNIQUE, name varchar(150))`,
    );
    await k("lamindb_user").insert({ id: 7, uid: "abcdefgh", handle: "falexwolf" });
    const progress: string[] = [];
    const instance = await connect({ url: db.url, setDefault: false, onProgress: (m) => progress.push(m) });
    assert.deepEqual(instance.info.schema, { managedBy: "lamindb", lamindbMigration: "0193_squashed" });
    assert.ok(progress.some((m) => m.includes("0193_squashed")));
    const tables = (
      await k.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
    ).rows.map((r: { table_name: string }) => r.table_name);
    assert.deepEqual(
      tables.sort(),
      ["django_migrations", "lamindb_run", "lamindb_user"],
      "nothing was migrated",
    );
    assert.equal(instance.userId, 7, "records are created by the instance's existing user");
    await instance.close();
  } finally {
    await k.destroy();
    await db.drop();
  }
});
