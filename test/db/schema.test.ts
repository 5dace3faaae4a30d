// The schema of a database this project creates, read back from pg_catalog and compared with what a
// LaminDB instance has: LaminDB's own listing (test/fixtures/lamindb-schema.txt) turned into
// PostgreSQL objects by Django's rules (test/helpers/lamindb-reference.ts), never this project's
// declarations or migrations. Then the declarations (db/schema/models) against the same database.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import knexFactory from "knex";
import { Artifact, InvalidArgument, Reference, Schema as LaminSchema, connect } from "../../db/index";
import { foreignKeyType, sqlType } from "../../db/migrations/ddl";
import { allSpecs, primaryKey, spec } from "../../db/schema/catalog";
import { describeEachDatabase, createPostgresDatabase } from "../helpers/databases";
import { introspect, type ActualTable, type Schema } from "../helpers/introspect";
import {
  DJANGO_MIGRATION_ROWS,
  INITIAL_RECORDS,
  PGTRIGGERS,
  TYPE_CHECKS,
  readDjangoMigrationsTable,
  readLaminDBSchema,
  type ExpectedTable,
} from "../helpers/lamindb-reference";

const lamin = readLaminDBSchema();

/** This project's own objects beside LaminDB's (docs/data-model.md): search indexes, notify triggers. */
const projectIndex = (name: string) => /_(trgm|lower_prefix)$/.test(name);
const projectTrigger = (name: string) => /_lamin_notify_(insert|update|delete)$/.test(name);
const projectTable = (name: string) => name.startsWith("lamin_vscode_");

const byName = <T extends { name: string }>(items: T[]) => new Map(items.map((i) => [i.name, i]));

/** Every difference between a table and LaminDB's, as readable lines (empty when they agree). */
function differences(
  e: ExpectedTable,
  a: ActualTable | undefined,
  options = { columnOrder: true },
): string[] {
  if (!a) return [`${e.table}: missing`];
  const out: string[] = [];
  const actualColumns = options.columnOrder
    ? a.columns
    : [...a.columns].sort((x, y) => x.column.localeCompare(y.column));
  const expectedColumns = options.columnOrder
    ? e.columns
    : [...e.columns].sort((x, y) => x.column.localeCompare(y.column));
  const names = (cs: Array<{ column: string }>) => cs.map((c) => c.column).join(", ");
  if (names(actualColumns) !== names(expectedColumns))
    out.push(`${e.table} columns: ${names(actualColumns)} ≠ LaminDB's ${names(expectedColumns)}`);
  const actual = new Map(a.columns.map((c) => [c.column, c]));
  for (const c of e.columns) {
    const x = actual.get(c.column);
    if (x && JSON.stringify({ ...x }) !== JSON.stringify({ ...c }))
      out.push(`${e.table}.${c.column}: ${JSON.stringify(x)} ≠ LaminDB's ${JSON.stringify(c)}`);
  }
  const compare = (
    kind: string,
    expected: Array<{ name: string; definition: string }>,
    got: typeof expected,
  ) => {
    const g = byName(got);
    const x = byName(expected);
    for (const c of expected) {
      const found = g.get(c.name);
      if (!found) out.push(`${e.table}: missing ${kind} ${c.name} ${c.definition}`);
      else if (found.definition !== c.definition)
        out.push(`${e.table}: ${kind} ${c.name} is ${found.definition}, LaminDB's ${c.definition}`);
    }
    for (const c of got) if (!x.has(c.name)) out.push(`${e.table}: extra ${kind} ${c.name} ${c.definition}`);
  };
  const typeChecks = TYPE_CHECKS.filter((c) => c.table === e.table);
  compare(
    "constraint",
    [...e.constraints, ...typeChecks],
    a.constraints.filter((c) => c.type !== "f"),
  );
  compare(
    "foreign key",
    e.foreignKeys,
    a.constraints.filter((c) => c.type === "f"),
  );
  compare(
    "index",
    e.indexes,
    a.indexes.filter((i) => !projectIndex(i.name)),
  );
  const triggers = a.triggers.filter((t) => !projectTrigger(t.name));
  const expectedTriggers = PGTRIGGERS.filter((t) => t.table === e.table);
  const got = triggers.map((t) => `${t.name} (${t.comment})`).sort();
  const want = expectedTriggers.map((t) => `${t.name} (${t.hash})`).sort();
  if (got.join() !== want.join())
    out.push(`${e.table}: triggers ${got.join(", ")} ≠ LaminDB's ${want.join(", ")}`);
  return out;
}

describeEachDatabase("schema", (ctx) => {
  let schema: Schema;
  before(async () => {
    schema = await introspect(ctx.instance.knex);
  });

  test("LaminDB's 85 tables, django_migrations and this project's own lamin_vscode_ tables, nothing else", () => {
    assert.equal(lamin.size, 85);
    const tables = [...schema.tables.keys()];
    assert.deepEqual(
      tables.filter((t) => t.startsWith("lamindb_")).sort(),
      [...lamin.keys()].sort(),
      "the lamindb_ tables are LaminDB's",
    );
    assert.deepEqual(
      tables.filter((t) => !t.startsWith("lamindb_") && !projectTable(t)),
      ["django_migrations"],
    );
  });

  test("every table matches LaminDB's column by column and constraint by constraint", () => {
    const problems = [...lamin.values()].flatMap((e) => differences(e, schema.tables.get(e.table)));
    assert.deepEqual(problems, []);
  });

  test("the comparison sees a wrong column, a missing index and a renamed foreign key", () => {
    const run = lamin.get("lamindb_run")!;
    const actual = structuredClone(schema.tables.get("lamindb_run")!);
    actual.columns[1] = { ...actual.columns[1], nullable: !actual.columns[1].nullable };
    actual.indexes.pop();
    const fk = actual.constraints.find((c) => c.type === "f")!;
    fk.name = `${fk.name}_x`;
    const problems = differences(run, actual);
    assert.equal(problems.length, 4, problems.join("\n"));
  });

  test("foreign keys reach every table, tables outside the seed page's registries included", () => {
    const targets = new Set(
      [...schema.tables.values()].flatMap((t) =>
        t.constraints.filter((c) => c.type === "f").map((c) => /REFERENCES (\w+)\(/.exec(c.definition)![1]),
      ),
    );
    for (const t of [
      "lamindb_schema",
      "lamindb_reference",
      "lamindb_block",
      "lamindb_feature",
      "lamindb_user",
    ])
      assert.ok(targets.has(t), `a foreign key points to ${t}`);
    const artifactSchema = schema.tables
      .get("lamindb_artifact")!
      .constraints.find((c) => c.definition.startsWith("FOREIGN KEY (schema_id)"));
    assert.equal(
      artifactSchema?.definition,
      "FOREIGN KEY (schema_id) REFERENCES lamindb_schema(id) DEFERRABLE INITIALLY DEFERRED",
    );
    const fks = [...schema.tables.values()].flatMap((t) => t.constraints.filter((c) => c.type === "f"));
    assert.equal(fks.length, 322);
    assert.ok(
      fks.every(
        (c) => c.definition.endsWith("DEFERRABLE INITIALLY DEFERRED") && !/ON DELETE/.test(c.definition),
      ),
    );
  });

  test("LaminDB's type checks and triggers work: a record typed by a non-type is refused", async () => {
    const k = ctx.instance.knex;
    const [plain] = await k("lamindb_record")
      .insert({ uid: "rEcOrd0000000001", created_by_id: 1 })
      .returning("id");
    await assert.rejects(
      k("lamindb_record").insert({ uid: "rEcOrd0000000002", type_id: plain.id, created_by_id: 1 }),
      /record_type_is_valid_fk/,
    );
    // update_feature_on_name_change keeps the old name as a synonym
    const [f] = await k("lamindb_feature")
      .insert({
        uid: "fEaTuRe00001",
        name: "temp",
        _dtype_str: "num",
        array_rank: 0,
        array_size: 0,
        created_by_id: 1,
      })
      .returning("id");
    await k("lamindb_feature").where({ id: f.id }).update({ name: "temperature" });
    const row = await k("lamindb_feature").where({ id: f.id }).first();
    assert.equal(row.synonyms, "temp");
    assert.deepEqual(Object.values(row._aux.renamed), ["temp"]);
    await k("lamindb_feature").where({ id: f.id }).delete();
    await k("lamindb_record").where({ id: plain.id }).delete();
  });

  test("django_migrations: Django's table and exactly the rows migrate leaves for LaminDB", async () => {
    const t = schema.tables.get("django_migrations")!;
    assert.deepEqual(t.columns, readDjangoMigrationsTable());
    assert.deepEqual(
      t.constraints.map((c) => [c.name, c.definition]),
      [["django_migrations_pkey", "PRIMARY KEY (id)"]],
    );
    const rows = await ctx.instance
      .knex("django_migrations")
      .select("id", "app", "name", "applied")
      .orderBy("id");
    assert.deepEqual(
      rows.map((r) => [r.app, r.name]),
      DJANGO_MIGRATION_ROWS,
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      DJANGO_MIGRATION_ROWS.map((_, i) => i + 1),
    );
    for (let i = 1; i < rows.length; i++)
      assert.ok(rows[i].applied >= rows[i - 1].applied, "applied in order");
  });

  test("the initial records lamindb-setup writes", async () => {
    const k = ctx.instance.knex;
    assert.deepEqual(
      await k("lamindb_space").select("id", "uid", "name", "description", "created_by_id"),
      INITIAL_RECORDS.space,
    );
    assert.deepEqual(
      await k("lamindb_branch")
        .select("id", "uid", "name", "description", "created_by_id", "space_id")
        .orderBy("id"),
      INITIAL_RECORDS.branches,
    );
    assert.deepEqual(await k("lamindb_user").select("id", "uid", "handle", "name"), INITIAL_RECORDS.users);
    // the identity sequences are where Django's inserts leave them
    const [b] = await k("lamindb_branch")
      .insert({ name: "draft", uid: "dddddddddddd", created_by_id: 1 })
      .returning("id");
    assert.equal(b.id, 2);
    await k("lamindb_branch").where({ id: 2 }).delete();
  });

  test("Schema and Reference are read through relations; creating them says it is not supported", async () => {
    const k = ctx.instance.knex;
    const [schemaRow] = await k("lamindb_schema")
      .insert({
        uid: "sChEmA0000000001",
        name: "cells",
        minimal_set: true,
        ordered_set: false,
        maximal_set: false,
        created_by_id: 1,
      })
      .returning("id");
    const artifact = await new Artifact({ key: "schema/validated.parquet", suffix: ".parquet" }).save();
    await k("lamindb_artifact").where({ id: artifact.id }).update({ schema_id: schemaRow.id });
    const reread = await Artifact.get(artifact.id!);
    assert.equal((await reread.schema)?.name, "cells");
    assert.deepEqual(
      (await (await LaminSchema.get({ name: "cells" })).validated_artifacts.toArray()).map((a) => a.id),
      [artifact.id],
    );
    assert.equal(await Reference.filter({ name: "none" }).count(), 0);
    assert.throws(() => new LaminSchema(), InvalidArgument);
    await k("lamindb_artifact").where({ id: artifact.id }).delete();
    await k("lamindb_schema").where({ id: schemaRow.id }).delete();
  });

  test("the model declarations agree with the migrated schema", () => {
    const problems: string[] = [];
    for (const model of allSpecs) {
      const t = schema.tables.get(model.table);
      if (!t) {
        problems.push(`${model.name}: no table ${model.table}`);
        continue;
      }
      const cols = new Map(t.columns.map((c) => [c.column, c]));
      const declared = [...model.fields.map((f) => f.column), ...model.foreignKeys.map((fk) => fk.column)];
      if ([...declared].sort().join() !== [...cols.keys()].sort().join())
        problems.push(
          `${model.name}: declares ${[...declared].sort()} but the table has ${[...cols.keys()].sort()}`,
        );
      const uniqueOn = (columns: string[]) =>
        t.constraints.some((c) => c.type === "u" && c.definition === `UNIQUE (${columns.join(", ")})`) ||
        (columns.length === 1 && primaryKey(model).column === columns[0]);
      const indexedOn = (column: string) =>
        t.indexes.some((i) => i.definition.endsWith(` USING btree (${column})`)) || uniqueOn([column]);
      for (const f of model.fields) {
        const c = cols.get(f.column);
        if (!c) continue;
        const where = `${model.name}.${f.name}`;
        if (c.dataType !== sqlType(f.type))
          problems.push(`${where}: ${f.type} but the column is ${c.dataType}`);
        if (c.maxLength !== (f.maxLength ?? null))
          problems.push(`${where}: max length ${f.maxLength} vs ${c.maxLength}`);
        if (c.nullable !== f.null) problems.push(`${where}: null ${f.null} vs ${c.nullable}`);
        if (c.identity !== f.primary)
          problems.push(`${where}: primary ${f.primary} vs identity ${c.identity}`);
        const hasDefault =
          f.dbDefault !== undefined && !("value" in f.dbDefault && f.dbDefault.value === null);
        if (hasDefault !== (c.default !== null))
          problems.push(`${where}: db default ${hasDefault} vs ${c.default}`);
        if (!f.primary && f.unique !== uniqueOn([f.column])) problems.push(`${where}: unique ${f.unique}`);
        if (f.index && !indexedOn(f.column)) problems.push(`${where}: declared indexed, no index`);
      }
      for (const fk of model.foreignKeys) {
        const c = cols.get(fk.column);
        if (!c) continue;
        const where = `${model.name}.${fk.name}`;
        if (c.dataType !== sqlType(foreignKeyType(fk))) problems.push(`${where}: column type ${c.dataType}`);
        if (c.nullable !== fk.null) problems.push(`${where}: null ${fk.null} vs ${c.nullable}`);
        if ((fk.dbDefault === undefined ? null : String(fk.dbDefault)) !== c.default)
          problems.push(`${where}: db default ${fk.dbDefault} vs ${c.default}`);
        const ref = `FOREIGN KEY (${fk.column}) REFERENCES ${spec(fk.target).table}(id) DEFERRABLE INITIALLY DEFERRED`;
        if (!t.constraints.some((x) => x.type === "f" && x.definition === ref))
          problems.push(`${where}: no ${ref}`);
        if (fk.unique !== uniqueOn([fk.column])) problems.push(`${where}: unique ${fk.unique}`);
      }
      for (const names of model.uniqueTogether) {
        const columns = names.map((n) => model.foreignKeys.find((fk) => fk.name === n)?.column ?? n);
        if (!uniqueOn(columns)) problems.push(`${model.name}: no UNIQUE (${columns.join(", ")})`);
      }
      for (const u of model.partialUniques) {
        const def = `CREATE UNIQUE INDEX ${u.name} ON public.${model.table} USING btree (${u.columns.join(", ")}) WHERE (${u.where})`;
        if (!t.indexes.some((i) => i.definition === def)) problems.push(`${model.name}: no ${def}`);
      }
      for (const check of model.checks)
        if (!t.constraints.some((c) => c.type === "c" && c.name === check.name))
          problems.push(`${model.name}: no check ${check.name}`);
      for (const ix of model.expressionIndexes)
        if (!t.indexes.some((i) => i.name === ix.name)) problems.push(`${model.name}: no index ${ix.name}`);
    }
    const declaredTables = new Set(allSpecs.map((m) => m.table));
    for (const table of schema.tables.keys())
      if (table.startsWith("lamindb_") && !declaredTables.has(table)) problems.push(`${table}: not declared`);
    assert.deepEqual(problems, []);
  });
});

test("migrations are idempotent: reconnecting changes nothing", async () => {
  const db = await createPostgresDatabase();
  try {
    const first = await connect({ url: db.url, setDefault: false });
    const before = JSON.stringify([...(await introspect(first.knex)).tables]);
    const second = await connect({ url: db.url, setDefault: false });
    assert.deepEqual(second.info.schema, {
      managedBy: "lamin-vscode",
      applied: [
        "0001_lamindb_0193_squashed",
        "0002_search_indexes",
        "0003_notify_triggers",
        "0004_search_documents",
        "0005_change_counter",
      ],
    });
    assert.equal(JSON.stringify([...(await introspect(second.knex)).tables]), before);
    assert.equal(
      Number((await first.knex("lamindb_branch").count("* as n"))[0].n),
      3,
      "seeds are not inserted twice",
    );
    assert.equal(Number((await first.knex("django_migrations").count("* as n"))[0].n), 19);
    await second.close();
    await first.close();
  } finally {
    await db.drop();
  }
});

test("an embedded instance records its folder as its storage, as lamindb-setup does for a local root", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lamin-storage-"));
  try {
    const instance = await connect({ dir, setDefault: false });
    const rows = await instance
      .knex("lamindb_storage")
      .select("id", "root", "type", "region", "instance_uid", "uid");
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { id: rows[0].id, root: rows[0].root, type: rows[0].type, region: rows[0].region },
      { id: 1, root: dir, type: "local", region: null },
    );
    assert.match(rows[0].uid, /^[0-9A-Za-z]{12}$/);
    assert.match(rows[0].instance_uid, /^[0-9A-Za-z]{12}$/);
    await instance.close();
    const again = await connect({ dir, setDefault: false, storage: "s3://elsewhere" });
    assert.equal(
      Number((await again.knex("lamindb_storage").count("* as n"))[0].n),
      1,
      "recorded once, at creation",
    );
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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
