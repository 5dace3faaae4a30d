// filter() with Django lookups, relation traversal, JSON paths, status, Q objects and branch
// scoping; the QuerySet's chaining and terminal methods. Both databases.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  Artifact,
  DoesNotExist,
  FieldError,
  InvalidArgument,
  MultipleResultsFound,
  Project,
  Q,
  Run,
  Transform,
  ULabel,
  User,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

describeEachDatabase("query", (ctx) => {
  let analysis: Transform;
  let other: Transform;
  const names = (rs: Array<{ name: string | null }>) => rs.map((r) => r.name).sort();

  before(async () => {
    analysis = await new Transform({ key: "analysis/qc.ipynb", kind: "notebook" }).save();
    other = await new Transform({ key: "pipelines/align.py", kind: "script" }).save();
    const specs: Array<[Transform, string, number, Record<string, unknown>]> = [
      [analysis, "alpha", 0, { learning_rate: 0.01, layers: [64, 32], opt: { name: "adam", beta: 0.9 } }],
      [analysis, "Beta run", 1, { learning_rate: 0.001, downsample: true }],
      [analysis, "gamma_100%", 2, { learning_rate: 0.1, tag: "O'Reilly; --" }],
      [other, "delta", 0, { learning_rate: "fast" }],
      [other, null as unknown as string, -1, {}],
    ];
    for (const [t, name, code, params] of specs) {
      const r = await new Run(t, { name, params }).save();
      r._status_code = code;
      await r.save();
    }
    const label = await new ULabel({ name: "CD8+ T cell" }).save();
    const alpha = await Run.get({ name: "alpha" });
    await ctx.instance
      .knex("lamindb_runulabel")
      .insert({ run_id: alpha.id, ulabel_id: label.id, created_by_id: 1 });
    const input = await new Artifact({ key: "raw/counts.h5ad", suffix: ".h5ad" }).save();
    await ctx.instance
      .knex("lamindb_artifact_input_of_runs")
      .insert({ artifact_id: input.id, run_id: alpha.id });
    await new Artifact({ key: "out/qc.html", suffix: ".html", run: alpha }).save();
  });

  test("exact, iexact, contains, icontains, startswith, istartswith, endswith, iendswith", async () => {
    assert.deepEqual(names(await Run.filter({ name: "alpha" })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ name__exact: "alpha" })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ name__iexact: "BETA RUN" })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ name__contains: "et" })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ name__contains: "ET" })), []);
    assert.deepEqual(names(await Run.filter({ name__icontains: "ET" })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ name__startswith: "b" })), []);
    assert.deepEqual(names(await Run.filter({ name__istartswith: "b" })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ name__endswith: "ta" })), ["delta"]);
    assert.deepEqual(names(await Run.filter({ name__iendswith: "RUN" })), ["Beta run"]);
    // LIKE wildcards in values are literal
    assert.deepEqual(names(await Run.filter({ name__contains: "_100%" })), ["gamma_100%"]);
    assert.deepEqual(names(await Run.filter({ name__contains: "%" })), ["gamma_100%"]);
    assert.deepEqual(names(await Run.filter({ name__startswith: "_" })), []);
  });

  test("in, gt, gte, lt, lte, range, isnull, regex, iregex", async () => {
    assert.deepEqual(names(await Run.filter({ name__in: ["alpha", "delta", "nope"] })), ["alpha", "delta"]);
    assert.deepEqual(names(await Run.filter({ name__in: [] })), []);
    const ids = (await Run.filter({}).orderBy("id")).map((r) => r.id!);
    assert.equal(await Run.filter({ id__gt: ids[0] }).count(), ids.length - 1);
    assert.equal(await Run.filter({ id__gte: ids[0] }).count(), ids.length);
    assert.equal(await Run.filter({ id__lt: ids[1] }).count(), 1);
    assert.equal(await Run.filter({ id__lte: ids[1] }).count(), 2);
    assert.equal(await Run.filter({ id__range: [ids[1], ids[3]] }).count(), 3);
    assert.equal(await Run.filter({ name__isnull: true, transform: other }).count(), 1);
    assert.equal(await Run.filter({ name__isnull: false, transform: other }).count(), 1);
    assert.deepEqual(names(await Run.filter({ name__regex: "^[a-d]" })), ["alpha", "delta"]);
    assert.deepEqual(names(await Run.filter({ name__iregex: "^B" })), ["Beta run"]);
    const past = new Date(Date.now() - 3600_000);
    assert.equal(await Run.filter({ started_at__gte: past, transform: analysis }).count(), 3);
    assert.equal(await Run.filter({ started_at__lt: past.toISOString() }).count(), 0);
  });

  test("relations: transform__key, created_by__handle, ulabels__name, input_artifacts__key, output_artifacts", async () => {
    assert.equal(await Run.filter({ transform__key: "analysis/qc.ipynb" }).count(), 3);
    assert.equal(await Run.filter({ transform__key__startswith: "pipelines/" }).count(), 2);
    assert.equal(await Run.filter({ transform: analysis }).count(), 3);
    assert.equal(await Run.filter({ transform_id: analysis.id }).count(), 3);
    assert.equal(await Run.filter({ transform__in: [analysis, other] }).count(), 5);
    assert.equal(await Run.filter({ created_by__handle: "anonymous" }).count(), 5);
    assert.deepEqual(names(await Run.filter({ ulabels__name: "CD8+ T cell" })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ input_artifacts__key__endswith: ".h5ad" })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ output_artifacts__suffix: ".html" })), ["alpha"]);
    assert.equal(await Run.filter({ output_artifacts__isnull: true }).count(), 4);
    assert.equal(await Run.filter({ report__isnull: true }).count(), 5);
    assert.equal(await Transform.filter({ runs__name: "delta" }).count(), 1);
    assert.equal(await User.filter({ created_runs__name: "alpha" }).count(), 1);
    assert.deepEqual(
      (await Artifact.filter({ input_of_runs__name: "alpha" })).map((a) => a.key),
      ["raw/counts.h5ad"],
    );
    // a to-many condition never duplicates rows
    await ctx.instance.knex("lamindb_runulabel").insert({
      run_id: (await Run.get({ name: "alpha" })).id,
      ulabel_id: (await new ULabel({ name: "second" }).save()).id,
      created_by_id: 1,
    });
    assert.equal(await Run.filter({ ulabels__name__in: ["CD8+ T cell", "second"] }).count(), 1);
    assert.throws(
      () => Run.filter({ transform: "analysis" }),
      /did you mean transform__name or transform__uid/,
    );
    assert.throws(() => Run.filter({ transform__nope: 1 }), FieldError);
  });

  test("JSON paths in params: params__learning_rate__gt, nested keys, strings, booleans", async () => {
    assert.deepEqual(names(await Run.filter({ params__learning_rate__gt: 0.005 })), ["alpha", "gamma_100%"]);
    assert.deepEqual(names(await Run.filter({ params__learning_rate: 0.01 })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ params__learning_rate__lte: 0.01 })), ["Beta run", "alpha"]);
    assert.deepEqual(names(await Run.filter({ params__learning_rate: "fast" })), ["delta"]);
    assert.deepEqual(names(await Run.filter({ params__opt__name: "adam" })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ params__opt__beta__gte: 0.9 })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ params__downsample: true })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ params__layers: [64, 32] })), ["alpha"]);
    assert.deepEqual(names(await Run.filter({ params__tag__icontains: "reilly; --" })), ["gamma_100%"]);
    assert.deepEqual(names(await Run.filter({ params__downsample__isnull: false })), ["Beta run"]);
    assert.deepEqual(names(await Run.filter({ params__learning_rate__in: [0.1, "fast"] })), [
      "delta",
      "gamma_100%",
    ]);
    assert.deepEqual(names(await Run.filter({ params__learning_rate__range: [0.001, 0.01] })), [
      "Beta run",
      "alpha",
    ]);
  });

  test("status and status__in map to _status_code; unknown names list the valid ones", async () => {
    assert.deepEqual(names(await Run.filter({ status: "completed" })), ["alpha", "delta"]);
    assert.deepEqual(names(await Run.filter({ status__in: ["errored", "aborted"] })), [
      "Beta run",
      "gamma_100%",
    ]);
    assert.throws(
      () => Run.filter({ status: "done" }),
      (e: unknown) => e instanceof InvalidArgument && /Valid statuses/.test(String(e)),
    );
    assert.throws(() => Run.filter({ status__in: ["completed", 3] }), InvalidArgument);
  });

  test("Q objects: and, or, not; exclude", async () => {
    assert.deepEqual(names(await Run.filter(Q({ name: "alpha" }).or(Q({ name: "delta" })))), [
      "alpha",
      "delta",
    ]);
    assert.deepEqual(
      names(
        await Run.filter(
          Q({ transform: analysis }).and(Q({ status: "completed" }).or({ status: "aborted" })),
        ),
      ),
      ["alpha", "gamma_100%"],
    );
    assert.deepEqual(names(await Run.filter(Q({ name__startswith: "a" }).not(), { transform: analysis })), [
      "Beta run",
      "gamma_100%",
    ]);
    assert.deepEqual(names(await Run.exclude({ name: "alpha" }).filter({ transform: analysis })), [
      "Beta run",
      "gamma_100%",
    ]);
    // NULL-safe negation, as Django's: a run without a name is not "named alpha"
    assert.equal(await Run.filter({ transform: other }).exclude({ name: "delta" }).count(), 1);
  });

  test("default branch scoping: trash and archive hidden unless branch, id, uid or hash is named", async () => {
    const t = await new Transform({ key: "scoping.py", kind: "script" }).save();
    const trashed = await new Run(t, { name: "trashed" }).save();
    const archived = await new Run(t, { name: "archived" }).save();
    await trashed.delete();
    await ctx.instance.knex("lamindb_run").where({ id: archived.id }).update({ branch_id: 0 });
    assert.equal(await Run.filter({ transform: t }).count(), 0);
    assert.equal(await Run.filter({ transform: t, branch_id: -1 }).count(), 1);
    assert.equal(await Run.filter({ transform: t, branch__name: "archive" }).count(), 1);
    assert.equal(await Run.filter({ uid: trashed.uid }).count(), 1);
    assert.equal(await Run.filter({ id__in: [trashed.id, archived.id] }).count(), 2);
    assert.equal(await Run.filter(Q({ branch_id__in: [-1, 0] }), { transform: t }).count(), 2);
    assert.equal(
      await Run.all().filter({ transform: t }).count(),
      0,
      "filter() scopes a related or unscoped query too",
    );
    assert.equal((await t.runs).length, 2, "related managers are not scoped, as in LaminDB");
  });

  test("QuerySet: lazy and chainable, orderBy, limit, offset, distinct, first, one, exists, async iteration", async () => {
    const qs = Run.filter({ transform: analysis });
    assert.ok(!(qs instanceof Promise), "filter() is lazy");
    assert.deepEqual(
      (await qs.orderBy("name")).map((r) => r.name),
      ["Beta run", "alpha", "gamma_100%"].sort(),
    );
    assert.deepEqual((await qs.orderBy("-id").limit(2)).length, 2);
    assert.deepEqual((await qs.orderBy("id").offset(1).limit(1))[0].name, "Beta run");
    assert.equal((await qs.orderBy("-id").first())?.name, "gamma_100%");
    assert.equal(await Run.filter({ name: "nope" }).first(), null);
    assert.equal((await Run.filter({ name: "alpha" }).one()).name, "alpha");
    await assert.rejects(Run.filter({ name: "nope" }).one(), DoesNotExist);
    await assert.rejects(qs.one(), MultipleResultsFound);
    assert.equal(await qs.exists(), true);
    assert.equal(await Run.filter({ name: "nope" }).exists(), false);
    assert.equal(
      await Run.filter({ ulabels__name__in: ["CD8+ T cell", "second"] })
        .distinct()
        .count(),
      1,
    );
    const seen: string[] = [];
    for await (const r of Run.filter({ transform: analysis }).orderBy("id")) seen.push(r.name!);
    assert.equal(seen.length, 3);
    assert.deepEqual((await qs.toArray()).length, 3);
    assert.throws(() => qs.orderBy("nope"), FieldError);
    assert.throws(() => qs.limit(-1), InvalidArgument);
  });

  test("async iteration pages through more than one page", async () => {
    const t = await new Transform({ key: "paging.py", kind: "script" }).save();
    await ctx.instance.knex.raw(
      `INSERT INTO lamindb_run (uid, transform_id, created_by_id) SELECT 'pg' || lpad(i::text, 14, '0'), ?, 1 FROM generate_series(1, 1203) i`,
      [t.id!],
    );
    let n = 0;
    let last = 0;
    for await (const r of Run.filter({ transform: t })) {
      assert.ok(r.id! > last, "in id order");
      last = r.id!;
      n++;
    }
    assert.equal(n, 1203);
    assert.equal(await Run.filter({ transform: t }).count(), 1203);
  });

  test("bad lookups and values are typed errors", async () => {
    assert.throws(() => Run.filter({ name__near: "x" }), /Unsupported lookup 'near'/);
    assert.throws(() => Run.filter({ id: "abc" }), InvalidArgument);
    assert.throws(() => Run.filter({ id__in: "abc" }), InvalidArgument);
    assert.throws(() => Run.filter({ name__isnull: "yes" }), InvalidArgument);
    assert.throws(() => Run.filter({ started_at__gt: "not a date" }), InvalidArgument);
    assert.throws(() => Run.filter({ is_locked: "false" }), InvalidArgument);
    assert.throws(() => Run.filter({ name__range: [1] }), InvalidArgument);
    assert.throws(() => Run.filter({ name: undefined }), InvalidArgument);
    assert.throws(() => Run.filter({ name: "nul\u0000" }), InvalidArgument);
    await assert.rejects(Run.filter({ name__regex: "(" }).count(), InvalidArgument);
    assert.throws(() => Project.filter({ runs__params__x: 1, nope: 2 }), FieldError);
  });
});
