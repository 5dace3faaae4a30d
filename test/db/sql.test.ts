// The SQL the query layer writes, read without a database: the shapes the indexes and the planner
// rely on (lower(x) LIKE for istartswith, EXISTS for relations), and fragments that carry their
// values in order, rendered with knex's `?` and PostgreSQL's `$n` placeholders alike.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileLeaf, compileNode } from "../../db/query/compile";
import { compileSelect, compileWhere } from "../../db/query/compiler";
import { EMPTY_QUERY, type Query } from "../../db/query/query";
import { toNode } from "../../db/query/q";
import { Aliases, Fragment, sql } from "../../db/query/sql";
import type { ModelSpec } from "../../db/schema/fields";
import { RunSpec } from "../../db/schema/models/run";
import { TransformSpec } from "../../db/schema/models/transform";
import { ULabelSpec } from "../../db/schema/models/ulabel";

// as compileWhere() does: the main table takes the first alias, subqueries the next ones
function leaf(key: string, value: unknown, model: ModelSpec = RunSpec): Fragment {
  const aliases = new Aliases();
  return compileLeaf(model, aliases.next(), key, value, { aliases });
}

describe("sql fragments", () => {
  test("values are bound in the order the text uses them, nested fragments included", () => {
    const x = sql`jsonb_extract_path(${sql.col("t0", "params")}, ${"a"}::text)`;
    const f = sql`${x} = ${1} AND ${x} <> ${2}`;
    assert.equal(
      f.toKnex().sql,
      `jsonb_extract_path("t0"."params", ?::text) = ? AND jsonb_extract_path("t0"."params", ?::text) <> ?`,
    );
    assert.deepEqual(f.toKnex().bindings, ["a", 1, "a", 2]);
    assert.deepEqual(f.toPositional(), {
      text: `jsonb_extract_path("t0"."params", $1::text) = $2 AND jsonb_extract_path("t0"."params", $3::text) <> $4`,
      values: ["a", 1, "a", 2],
    });
  });

  test("join, and, or, list; an empty fragment adds nothing", () => {
    const parts = [sql`a = ${1}`, sql`b = ${2}`];
    assert.equal(sql.and(parts).text, "(a = ?) AND (b = ?)");
    assert.equal(sql.or(parts).text, "(a = ?) OR (b = ?)");
    assert.equal(sql.and([]).text, "TRUE");
    assert.equal(sql`x IN (${sql.list([1, 2, 3])})`.toPositional().text, "x IN ($1, $2, $3)");
    assert.equal(sql`SELECT 1${sql``} FROM t`.text, "SELECT 1 FROM t");
    assert.deepEqual(sql.join([sql`${"a"}`, sql`${"b"}`], sql` || `).toKnex().bindings, ["a", "b"]);
  });

  test("a value is never text: quotes and placeholders inside it stay values", () => {
    const f = sql`name = ${"x'; DROP TABLE lamindb_run; --"} AND y = ${"?"}`;
    assert.equal(f.toPositional().text, "name = $1 AND y = $2");
    assert.deepEqual(f.values, ["x'; DROP TABLE lamindb_run; --", "?"]);
  });

  test("identifiers are checked; a fragment cannot be used as a string", () => {
    assert.equal(sql.ident("lamindb_run").text, `"lamindb_run"`);
    assert.throws(() => sql.ident(`x"; DROP`), /bad identifier/);
    assert.throws(() => `${sql`a`}`, /used as a string/);
    assert.throws(() => sql`a ? b`.toKnex(), /'\?' in SQL text/);
    assert.equal(sql`a`.toStaticText(), "a");
    assert.throws(() => sql`a = ${1}`.toStaticText(), /with values/);
    assert.ok(sql`x` instanceof Fragment);
  });
});

describe("filter compiler", () => {
  test("istartswith compiles to lower(x) LIKE 'prefix%', which the lower(x) prefix indexes serve", () => {
    const f = leaf("name__istartswith", "Ab_c%");
    assert.equal(f.text, `lower("t0"."name") LIKE ? ESCAPE '\\'`);
    assert.deepEqual(f.values, ["ab\\_c\\%%"]);
  });

  test("text lookups", () => {
    assert.equal(leaf("name__icontains", "x").text, `"t0"."name" ILIKE ? ESCAPE '\\'`);
    assert.deepEqual(leaf("name__icontains", "x").values, ["%x%"]);
    assert.equal(leaf("name__iexact", "X").text, `lower("t0"."name") = lower(?)`);
    assert.equal(leaf("name__regex", "^a").text, `"t0"."name" ~ ?`);
    // a non-text column is compared as text
    assert.equal(leaf("id__startswith", "1").text, `("t0"."id")::text LIKE ? ESCAPE '\\'`);
  });

  test("exact, in, isnull, comparisons and ranges", () => {
    assert.equal(leaf("name", null).text, `"t0"."name" IS NULL`);
    assert.equal(leaf("id__in", [1, 2]).toPositional().text, `"t0"."id" IN ($1, $2)`);
    assert.equal(leaf("id__in", []).text, "FALSE");
    assert.equal(leaf("finished_at__isnull", false).text, `"t0"."finished_at" IS NOT NULL`);
    assert.equal(leaf("id__gte", 3).text, `"t0"."id" >= ?`);
    assert.deepEqual(leaf("id__range", [1, 9]).values, [1, 9]);
    // status names are stored as codes
    assert.deepEqual(leaf("status__in", ["errored", "completed"]).values, [1, 0]);
  });

  test("a JSON path binds each key, and the path twice where a comparison reads it twice", () => {
    const f = leaf("params__opt__beta__gt", 0.5);
    assert.equal(
      f.toPositional().text,
      `CASE WHEN jsonb_typeof(jsonb_extract_path("t0"."params", $1::text, $2::text)) = 'number' ` +
        `THEN (jsonb_extract_path("t0"."params", $3::text, $4::text))::numeric > $5::numeric ELSE FALSE END`,
    );
    assert.deepEqual(f.values, ["opt", "beta", "opt", "beta", 0.5]);
  });

  test("relations compile to EXISTS, never a join that could duplicate rows", () => {
    const fk = leaf("transform__key__startswith", "analysis/");
    assert.equal(
      fk.text,
      `EXISTS (SELECT 1 FROM "lamindb_transform" "t1" WHERE "t1"."id" = "t0"."transform_id" AND "t1"."key" LIKE ? ESCAPE '\\')`,
    );
    assert.deepEqual(fk.values, ["analysis/%"]);
    const m2m = leaf("ulabels__name", "CD8");
    assert.equal(
      m2m.text,
      `EXISTS (SELECT 1 FROM "lamindb_runulabel" "t2" JOIN "lamindb_ulabel" "t1" ON "t1"."id" = "t2"."ulabel_id" ` +
        `WHERE "t2"."run_id" = "t0"."id" AND "t1"."name" = ?)`,
    );
    assert.equal(
      leaf("runs__name", "a", TransformSpec).text,
      `EXISTS (SELECT 1 FROM "lamindb_run" "t1" WHERE "t1"."transform_id" = "t0"."id" AND "t1"."name" = ?)`,
    );
    assert.match(
      leaf("runs__isnull", true, ULabelSpec).text,
      /^NOT EXISTS \(SELECT 1 FROM "lamindb_runulabel"/,
    );
    // a condition on the relation itself needs no subquery for a foreign key
    assert.equal(leaf("transform__in", [1, 2]).text, `"t0"."transform_id" IN (?, ?)`);
  });

  test("negation is NULL-safe", () => {
    const aliases = new Aliases();
    const f = compileNode(
      RunSpec,
      aliases.next(),
      { kind: "not", child: toNode({ name: "a" }) },
      { aliases },
    );
    assert.equal(f.text, `(("t0"."name" = ?)) IS NOT TRUE`);
  });
});

describe("query compiler", () => {
  const query = (patch: Partial<Query>): Query => ({ ...EMPTY_QUERY, ...patch });

  // which filter() calls scope (LaminDB's process_expressions: not one naming an id, uid, hash or branch)
  // is the QuerySet's decision (test/db/lamindb-behaviour.test.ts); the compiler only applies it
  test("a scoped query is limited to the main branch; an unscoped one is not", () => {
    const scoped = compileWhere(RunSpec, query({ filters: [toNode({ name: "a" })], scoped: true }));
    assert.equal(scoped.where.text, `(("t0"."name" = ?)) AND ("t0"."branch_id" IN (?))`);
    assert.deepEqual(scoped.where.values, ["a", 1]);
    const byId = compileWhere(RunSpec, query({ filters: [toNode({ id: 3 })], scoped: false }));
    assert.equal(byId.where.text, `(("t0"."id" = ?))`);
    assert.equal(compileWhere(RunSpec, EMPTY_QUERY).where.text, "TRUE");
  });

  test("SELECT binds the annotations' values, then the WHERE's, then limit and offset", () => {
    const q = query({
      filters: [toNode({ name__startswith: "a" })],
      annotations: [{ name: "score", expr: (alias) => sql`length(${sql.col(alias, "name")}) + ${7}` }],
      order: ["-score", "id"],
      limit: 5,
      offset: 10,
    });
    const f = compileSelect(RunSpec, q);
    assert.equal(
      f.toPositional().text,
      `SELECT "t0".*, (length("t0"."name") + $1) AS "score" FROM "lamindb_run" "t0" ` +
        `WHERE (("t0"."name" LIKE $2 ESCAPE '\\')) ORDER BY "score" DESC, "t0"."id" ASC LIMIT $3 OFFSET $4`,
    );
    assert.deepEqual(f.values, [7, "a%", 5, 10]);
  });
});
