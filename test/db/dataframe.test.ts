// toDataFrame(): LaminDB's column order, index, limit and truncation, includes, features.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  COUNT_BOUND,
  DEFAULT_DATAFRAME_LIMIT,
  Feature,
  InvalidArgument,
  Record,
  Run,
  Transform,
  ULabel,
  type Instance,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

const RUN_COLUMNS = [
  "uid",
  "name",
  "description",
  "entrypoint",
  "started_at",
  "finished_at",
  "params",
  "extra_data",
  "reference",
  "reference_type",
  "cli_args",
  "is_locked",
  "created_at",
  "branch_id",
  "created_on_id",
  "space_id",
  "transform_id",
  "report_id",
  "environment_id",
  "plan_id",
  "created_by_id",
  "initiated_by_run_id",
];

interface Statement {
  sql: string;
  bindings: unknown[];
}

/** What fn returns and the statements it sent through Knex. */
async function traced<T>(instance: Instance, fn: () => Promise<T>): Promise<[T, Statement[]]> {
  const out: Statement[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) =>
    out.push({ sql: q.sql, bindings: q.bindings ?? [] });
  instance.knex.on("query", listener);
  try {
    return [await fn(), out];
  } finally {
    instance.knex.off("query", listener);
  }
}

const counts = (statements: Statement[]) => statements.filter((s) => /count\(\*\)/i.test(s.sql));

describeEachDatabase("toDataFrame", (ctx) => {
  let t: Transform;
  before(async () => {
    t = await new Transform({ key: "df.ipynb", kind: "notebook" }).save();
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (uid, name, transform_id, created_by_id, params) SELECT 'df' || lpad(i::text, 14, '0'), 'run ' || i, ?, 1, jsonb_build_object('i', i) FROM generate_series(1, 150) i`,
      [t.id!],
    );
  });

  test("a Run frame has LaminDB's columns in LaminDB's order, id as the index, newest first", async () => {
    const df = await Run.filter({ transform: t }).toDataFrame();
    assert.equal(df.kind, "lamindb.dataframe");
    assert.deepEqual(df.columns, RUN_COLUMNS);
    assert.equal(df.index.name, "id");
    assert.equal(df.rows.length, DEFAULT_DATAFRAME_LIMIT);
    assert.equal(DEFAULT_DATAFRAME_LIMIT, 100, "the seed page's to_dataframe(limit=100)");
    assert.equal(df.total, 150);
    assert.equal(df.totalExact, true, "150 rows are under the count's bound");
    assert.equal(df.truncated, true);
    const ids = df.index.values as number[];
    assert.ok(ids[0] > ids[1], "ordered by -id");
    const row = Object.fromEntries(df.columns.map((c, i) => [c, df.rows[0][i]]));
    assert.equal(row.name, "run 150");
    assert.deepEqual(row.params, { i: 150 });
    assert.equal(typeof row.started_at, "string", "datetimes as ISO strings");
    assert.ok(!Number.isNaN(Date.parse(row.started_at as string)));
    assert.equal(row.transform_id, t.id);
    assert.equal(df.dtypes.uid, "uid");
    assert.equal(df.dtypes.started_at, "datetime");
    assert.equal(df.dtypes.params, "json");
    assert.equal(df.dtypes.is_locked, "bool");
    assert.ok(
      !df.columns.includes("_status_code") && !df.columns.includes("updated_at"),
      "private fields and updated_at hidden",
    );
  });

  test("limit: null returns all; order_by applies to unordered queries only; privates on request", async () => {
    const all = await Run.filter({ transform: t }).toDataFrame({ limit: null });
    assert.equal(all.rows.length, 150);
    assert.equal(all.truncated, false);
    const asc = await Run.filter({ transform: t }).toDataFrame({ order_by: "id", limit: 3 });
    assert.ok((asc.index.values[0] as number) < (asc.index.values[1] as number));
    const ordered = await Run.filter({ transform: t })
      .orderBy("-name")
      .toDataFrame({ order_by: "id", limit: 1 });
    assert.equal(ordered.rows[0][ordered.columns.indexOf("name")], "run 99", "the query's own order wins");
    const ignored = await Run.filter({ transform: t }).toDataFrame({ order_by: "nope", limit: 1 });
    assert.equal(ignored.rows.length, 1, "an order_by naming no field is ignored");
    const priv = await Run.filter({ transform: t }).toDataFrame({ include: "privates", limit: 1 });
    assert.ok(priv.columns.includes("_status_code"));
    const page2 = await Run.filter({ transform: t }).toDataFrame({ limit: 100, offset: 100 });
    assert.equal(page2.rows.length, 50);
    assert.equal(page2.offset, 100);
    assert.equal(page2.truncated, false);
  });

  test("include: related fields at position 3, to-many aggregated into sets", async () => {
    const run = await new Run(t, { name: "with labels" }).save();
    for (const n of ["b-label", "a-label"]) {
      const l = await new ULabel({ name: n }).save();
      await ctx.instance
        .knex("lamindb_runulabel")
        .insert({ run_id: run.id, ulabel_id: l.id, created_by_id: 1 });
    }
    const df = await Run.filter({ id: run.id }).toDataFrame({
      include: ["created_by__handle", "ulabels__name", "transform__key"],
    });
    // LaminDB's [uid, id, name] stay first (id is the index here), the paths follow in their order
    assert.deepEqual(df.columns, ["uid", "name", "created_by__handle", "ulabels__name", "transform__key"]);
    const row = df.rows[0];
    assert.equal(row[2], "anonymous");
    assert.deepEqual((row[3] as string[]).sort(), ["a-label", "b-label"]);
    assert.equal(row[4], "df.ipynb");
    assert.equal(df.dtypes["ulabels__name"], "set");
    const simple = await Run.filter({ id: run.id }).toDataFrame({
      include: ["started_at", "created_by__handle"],
    });
    assert.deepEqual(simple.columns, ["uid", "name", "created_by__handle", "started_at"]);
    await assert.rejects(Run.filter({}).toDataFrame({ include: "nope__x" }), /Unknown field/);
  });

  test("features: true pivots every feature, a list selects some", async () => {
    await new Feature({ name: "n_cells", dtype: "int" }).save();
    await new Feature({ name: "tissue", dtype: "cat[Record]" }).save();
    await new Record({ name: "lung" }).save();
    const run = await new Run(t, { name: "featured" }).save();
    await run.features.setValues({ n_cells: 1200, tissue: "lung" });
    const df = await Run.filter({ id: run.id }).toDataFrame({ features: true });
    assert.deepEqual(df.columns, ["uid", "name", "n_cells", "tissue"]);
    assert.deepEqual(df.rows[0].slice(2), [1200, "lung"]);
    assert.equal(df.dtypes.n_cells, "int");
    const one = await Run.filter({ id: run.id }).toDataFrame({ features: ["tissue"] });
    assert.deepEqual(one.columns, ["uid", "name", "tissue"]);
    const viaInclude = await Run.filter({ id: run.id }).toDataFrame({ include: "features" });
    assert.ok(viaInclude.columns.includes("n_cells"));
    await assert.rejects(ULabel.toDataFrame({ features: true }), /has no features/);
  });

  test("the registry-level toDataFrame is branch-scoped, as LaminDB's class method", async () => {
    const doomed = await new ULabel({ name: "df-trashed" }).save();
    await doomed.delete();
    const df = await ULabel.toDataFrame({ limit: null });
    assert.ok(!df.rows.some((r) => r[df.columns.indexOf("name")] === "df-trashed"));
    assert.equal(df.columns[0], "uid");
  });

  test("rows read as JSON chunks equal rows read through the driver, cell by cell", async () => {
    // a frame without include reads JSON arrays; one with an include path reads driver rows
    const odd = await new Run(t).save();
    await ctx.instance.knex.raw(
      `UPDATE lamindb_run SET params = ?::jsonb, cli_args = ?, reference = NULL, finished_at = now(), is_locked = true WHERE id = ?`,
      [
        JSON.stringify({ s: "123", n: [1, 2.5, null], nested: { "tab\t": 'quote"' } }),
        'a\tb\n"c"\\',
        odd.id!,
      ],
    );
    const fast = await Run.filter({ transform: t }).toDataFrame({ limit: null });
    const slow = await Run.filter({ transform: t }).toDataFrame({
      limit: null,
      include: [...RUN_COLUMNS.slice(2, RUN_COLUMNS.indexOf("branch_id")), "transform__key"], // after [uid, name]
    });
    assert.deepEqual(slow.index.values, fast.index.values);
    assert.ok(fast.rows.length > DEFAULT_DATAFRAME_LIMIT, "limit: null: every run of the transform");
    // every column but the foreign keys, which include cannot name
    for (const name of RUN_COLUMNS.slice(0, RUN_COLUMNS.indexOf("branch_id"))) {
      const a = fast.columns.indexOf(name);
      const b = slow.columns.indexOf(name);
      assert.ok(a >= 0 && b >= 0, name);
      assert.deepEqual(
        fast.rows.map((r) => r[a]),
        slow.rows.map((r) => r[b]),
        `${name}: the same cells either way`,
      );
    }
    const row = Object.fromEntries(fast.columns.map((c, i) => [c, fast.rows[0][i]]));
    assert.equal(row.uid, odd.uid);
    assert.deepEqual(row.params, { s: "123", n: [1, 2.5, null], nested: { "tab\t": 'quote"' } });
    assert.equal(row.cli_args, 'a\tb\n"c"\\');
    assert.equal(row.is_locked, true);
    assert.equal(typeof fast.index.values[0], "number");
  });

  test("edge values read through the array-row path as the driver reads them", async () => {
    const edge = await new Transform({ key: "df-edge.ipynb", kind: "notebook" }).save();
    const texts = [
      "comma, \"quote\" 'single'",
      "line\nbreak\r\nand\ttab",
      "back\\slash \\N \\t",
      "unicode: é ß 漢字 🧬 e\u0301",
      "",
    ];
    const big = "9007199254740993"; // 2^53 + 1: exact only as text
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (id, uid, name, cli_args, transform_id, created_by_id, started_at, params, _status_code)
       SELECT ?::bigint + i, 'dfedge' || lpad(i::text, 10, '0'), (?::text[])[i + 1], (?::text[])[5 - i], ?, 1,
              '2024-02-29 23:59:59.999999+00'::timestamptz - make_interval(days => i),
              (ARRAY['"123"', 'null', '{"a": [1, 2.5, null], "b\\\\": "x\\ny"}', '[]', '1e2'])[i + 1]::jsonb,
              -i
         FROM generate_series(0, 4) i`,
      [big, texts, texts, edge.id!],
    );
    await ctx.instance.knex.raw(`UPDATE lamindb_run SET name = NULL WHERE id = ?::bigint + 4`, [big]);
    const df = await Run.filter({ transform: edge }).toDataFrame({ limit: null, include: "privates" });
    // the same rows through rows(), the driver's own row objects
    const driver = await ctx.instance.knex.raw(
      `SELECT id, name, cli_args, params, _status_code, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at
         FROM lamindb_run WHERE transform_id = ? ORDER BY id DESC`,
      [edge.id!],
    );
    const expected = (driver.rows as Array<{ [column: string]: unknown }>).map(
      (r): { [column: string]: unknown } => ({
        ...r,
        id: typeof r.id === "bigint" || typeof r.id === "string" ? String(r.id) : r.id,
      }),
    );
    const col = (name: string) => df.rows.map((r) => r[df.columns.indexOf(name)]);
    assert.deepEqual(df.index.values, [
      "9007199254740997",
      "9007199254740996",
      "9007199254740995",
      "9007199254740994",
      big,
    ]);
    assert.deepEqual(
      df.index.values,
      expected.map((r) => r.id),
    );
    assert.deepEqual(col("name"), [null, texts[3], texts[2], texts[1], texts[0]]);
    assert.deepEqual(col("cli_args"), [texts[0], texts[1], texts[2], texts[3], texts[4]]);
    assert.deepEqual(col("params"), [100, [], { a: [1, 2.5, null], "b\\": "x\ny" }, null, "123"]);
    assert.deepEqual(col("_status_code"), [-4, -3, -2, -1, 0]);
    assert.deepEqual(col("started_at"), [
      "2024-02-25T23:59:59.999Z",
      "2024-02-26T23:59:59.999Z",
      "2024-02-27T23:59:59.999Z",
      "2024-02-28T23:59:59.999Z",
      "2024-02-29T23:59:59.999Z",
    ]);
    for (const name of ["name", "cli_args", "params", "_status_code", "started_at"])
      assert.deepEqual(
        col(name),
        expected.map((r) => r[name]),
        `${name}: as the driver reads it`,
      );
    // a filter whose value only the driver's serialisers bind (a Date), and a statement that fails
    const since = await Run.filter({
      transform: edge,
      started_at__gte: new Date("2024-02-28T00:00:00Z"),
    }).toDataFrame({ limit: null });
    assert.deepEqual(since.index.values, [big.replace(/3$/, "4"), big]);
    await assert.rejects(
      Run.filter({ transform: edge, name__regex: "(" }).toDataFrame({ limit: null }),
      InvalidArgument,
    );
    const after = await Run.filter({ transform: edge }).toDataFrame({ limit: null });
    assert.equal(after.rows.length, 5, "the connection reads on after a failed statement");
  });

  test("timestamps as to_char() writes them, edge values too (infinity: null, BC, five-digit years, the range's ends)", async () => {
    const t = await new Transform({ key: "df-times.ipynb", kind: "notebook" }).save();
    const times = [
      "2024-02-29 23:59:59.999999+00",
      "2024-03-01 00:00:00+00",
      "1969-12-31 23:59:59.5+00",
      "0044-03-15 12:00:00.0135+00 BC",
      "10000-01-01 00:00:00.123+00",
      "294276-12-31 23:59:59.999999+00",
      "4714-11-24 00:00:00+00 BC",
      "1500-06-15 08:30:45.678901+00",
      "infinity",
      "-infinity",
    ];
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (uid, transform_id, created_by_id, started_at)
       SELECT 'dftime' || lpad(i::text, 10, '0'), ?, 1, (?::text[])[i]::timestamptz FROM generate_series(1, ?::int) i`,
      [t.id!, times, times.length],
    );
    const df = await Run.filter({ transform: t }).toDataFrame({ limit: null, order_by: "id" });
    const driver = await ctx.instance.knex.raw(
      `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at
         FROM lamindb_run WHERE transform_id = ? ORDER BY id`,
      [t.id!],
    );
    const col = df.rows.map((r) => r[df.columns.indexOf("started_at")]);
    assert.deepEqual(
      col,
      (driver.rows as Array<{ started_at: string | null }>).map((r) => r.started_at),
    );
    assert.deepEqual(col, [
      "2024-02-29T23:59:59.999Z",
      "2024-03-01T00:00:00.000Z",
      "1969-12-31T23:59:59.500Z",
      "0044-03-15T12:00:00.013Z",
      "10000-01-01T00:00:00.123Z",
      "294276-12-31T23:59:59.999Z",
      "4714-11-24T00:00:00.000Z",
      "1500-06-15T08:30:45.678Z",
      null,
      null,
    ]);
  });

  test("a page shorter than its limit is its own total: no count statement at all", async () => {
    const few = await new Transform({ key: "df-few.py", kind: "script" }).save();
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (uid, transform_id, created_by_id) SELECT 'dp' || lpad(i::text, 14, '0'), ?, 1 FROM generate_series(1, 150) i`,
      [few.id!],
    );
    const runs = () => Run.filter({ transform: few });
    let [df, sent] = await traced(ctx.instance, () => runs().toDataFrame({ limit: 200 }));
    assert.deepEqual(counts(sent), [], "150 rows under a limit of 200: nothing to count");
    assert.deepEqual([df.total, df.totalExact, df.truncated], [150, true, false]);
    // the last page, at an offset: its rows end the query
    [df, sent] = await traced(ctx.instance, () => runs().toDataFrame({ limit: 100, offset: 100 }));
    assert.deepEqual(counts(sent), []);
    assert.deepEqual([df.rows.length, df.total, df.totalExact, df.truncated], [50, 150, true, false]);
    // a full first page counts, bounded, and finds the exact total under the bound
    [df, sent] = await traced(ctx.instance, () => runs().toDataFrame({ limit: 100 }));
    assert.equal(counts(sent).length, 1);
    assert.deepEqual([df.total, df.totalExact, df.truncated], [150, true, true]);
    // past the end an empty page says nothing of the rows before it: the count does
    df = await runs().toDataFrame({ limit: 100, offset: 500 });
    assert.deepEqual([df.rows.length, df.total, df.totalExact, df.truncated], [0, 150, true, false]);
  });

  test("over more rows than the bound the total is a lower bound; count: exact counts them all", async () => {
    const many = await new Transform({ key: "df-many.py", kind: "script" }).save();
    const n = COUNT_BOUND + 50;
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (uid, transform_id, created_by_id) SELECT 'dm' || lpad(i::text, 14, '0'), ?, 1 FROM generate_series(1, ?) i`,
      [many.id!, n],
    );
    const runs = () => Run.filter({ transform: many });
    const [df, sent] = await traced(ctx.instance, () => runs().toDataFrame());
    assert.equal(df.rows.length, DEFAULT_DATAFRAME_LIMIT);
    assert.deepEqual([df.total, df.totalExact, df.truncated], [COUNT_BOUND, false, true]);
    const [count] = counts(sent);
    assert.ok(count, "the first page counts");
    assert.ok(count.bindings.includes(COUNT_BOUND + 1), "the count stops one row past the bound");
    assert.ok(!count.sql.includes(String(COUNT_BOUND + 1)), "the bound is a parameter, not SQL text");

    const exact = await runs().toDataFrame({ count: "exact" });
    assert.deepEqual([exact.total, exact.totalExact, exact.truncated], [n, true, true]);
    assert.equal(await runs().count(), n, "count() itself stays exact");
    assert.equal(await runs().countUpTo(10), 10);

    // a page past the first bound counts to the next multiple of it, which covers this query
    const deep = await runs().toDataFrame({ offset: COUNT_BOUND - 50 });
    assert.deepEqual([deep.rows.length, deep.total, deep.totalExact, deep.truncated], [100, n, true, false]);
    const tail = await runs().toDataFrame({ offset: COUNT_BOUND });
    assert.deepEqual([tail.rows.length, tail.total, tail.totalExact, tail.truncated], [50, n, true, false]);

    await assert.rejects(
      runs().toDataFrame({ count: "nearly" as "exact" }),
      (e: unknown) => e instanceof InvalidArgument && /count takes "bounded" or "exact"/.test(e.message),
    );
  });
});
