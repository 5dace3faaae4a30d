// Behaviour that matches LaminDB's (issue 11): JSON string values, Python's float repr in hashes,
// LaminDB's branch scoping rule, lookup() keys and fields. Each case is one that differed before.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  Artifact,
  Feature,
  FieldValidationError,
  hashString,
  InvalidArgument,
  JsonValue,
  lookupKey,
  Record as LaminRecord,
  Run,
  RunBlock,
  Transform,
  ULabel,
} from "../../db/index";
import { jsonValueHash, pyStr } from "../../db/features/python-hash";
import { describeEachDatabase } from "../helpers/databases";

test("Python's repr() of floats in every range, as LaminDB's hash_string(str(value)) sees them", () => {
  // python3 -c 'print(repr(1e-05), repr(1e16), ...)'
  const cases: Array<[number, string]> = [
    [1e-5, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [0.0001, "0.0001"],
    [0.0001234, "0.0001234"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [1.5e16, "1.5e+16"],
    [1.2345678901234568e17, "1.2345678901234568e+17"],
    [1e21, "1e+21"],
    [1e-7, "1e-07"],
    [-1e-5, "-1e-05"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123.5, "123.5"],
  ];
  for (const [n, repr] of cases) assert.equal(pyStr(n, true), repr, `repr(${n})`);
  assert.equal(pyStr(0.00001), "1e-05", "a non-integer is a float whatever the dtype");
  // integer-valued numbers of other dtypes are Python ints, written out in full
  assert.equal(pyStr(1e16), "10000000000000000");
  assert.equal(pyStr(1e21), "1000000000000000000000");
  assert.equal(pyStr([1e-5, 2]), "[1e-05, 2]");
  assert.equal(jsonValueHash(1e-5, "float"), hashString("1e-05"));
  assert.equal(jsonValueHash({ lr: 1e-5 }, "dict"), hashString('{"lr": 1e-05}'));
});

test("lookupKey: none, true and false stay; class becomes ln_class; other keywords get _", () => {
  assert.equal(lookupKey("None"), "none");
  assert.equal(lookupKey("True"), "true");
  assert.equal(lookupKey("false"), "false");
  assert.equal(lookupKey("class"), "ln_class");
  assert.equal(lookupKey("for"), "for_");
  assert.equal(lookupKey("Import"), "import_");
});

describeEachDatabase("LaminDB behaviour", (ctx) => {
  let t: Transform;
  before(async () => {
    t = await new Transform({ key: "behaviour.py", kind: "script" }).save();
    await new Feature({ name: "experiment", dtype: "str" }).save();
    await new Feature({ name: "learning_rate", dtype: "float" }).save();
  });

  test("a JSON string feature value reads back as that string, through JsonValue and Run.filter", async () => {
    const run = await new Run(t, { name: "json-strings" }).save();
    await run.features.addValues({ experiment: "My experiment 1" });
    const values = await JsonValue.filter({ feature__name: "experiment" }).toArray();
    assert.deepEqual(
      values.map((v) => v.value),
      ["My experiment 1"],
    );
    const found = await Run.filter({ experiment: "My experiment 1" }).toArray();
    assert.deepEqual(
      found.map((r) => r.uid),
      [run.uid],
    );
    const frame = await Run.filter({ name: "json-strings" }).toDataFrame({ features: ["experiment"] });
    assert.equal(frame.rows[0][frame.columns.indexOf("experiment")], "My experiment 1");
  });

  test("JSON-looking strings stay strings; a run whose params is a string reads back", async () => {
    const run = await new Run(t, { name: "json-looking" }).save();
    run.params = "123";
    await run.save();
    await run.features.addValues({ experiment: "[1, 2]" });
    const again = await Run.get(run.uid);
    assert.equal(again.params, "123");
    const filtered = await Run.filter({ name: "json-looking" }).toArray();
    assert.equal(filtered[0].params, "123");
    const jv = await JsonValue.get({ value: "[1, 2]" });
    assert.equal(jv.value, "[1, 2]");
    for (const params of ['{"a": 1}', "true", "null", "plain text"]) {
      const r = new Run(t);
      r.params = params;
      await r.save();
      assert.equal((await Run.get(r.uid)).params, params);
    }
    assert.match(String(await again.describe()), /├── Params\n│ {3}└── 123\n/);
  });

  test("learning_rate: 1e-5 hashes as LaminDB does, so its JsonValue row is shared", async () => {
    // the row LaminDB's client writes for learning_rate=1e-5
    const feature = await Feature.get({ name: "learning_rate" });
    await ctx.instance.knex("lamindb_jsonvalue").insert({
      value: JSON.stringify(1e-5),
      hash: hashString("1e-05"),
      feature_id: feature.id,
      created_by_id: ctx.instance.userId,
    });
    const run = await new Run(t).save();
    await run.features.addValues({ learning_rate: 1e-5 });
    const rows = await ctx.instance.knex("lamindb_jsonvalue").where({ feature_id: feature.id });
    assert.equal(rows.length, 1, "no duplicate of LaminDB's row");
  });

  test("trash scoping: only exact id/uid/hash and their __in see the trash; lookups on them do not", async () => {
    const run = await new Run(t, { name: "trashed-run" }).save();
    await run.delete();
    const uids = async (qs: Promise<Run[]>) => (await qs).map((r) => r.uid);
    assert.deepEqual(await uids(Run.filter({ uid: run.uid }).toArray()), [run.uid]);
    assert.deepEqual(await uids(Run.filter({ uid__in: [run.uid] }).toArray()), [run.uid]);
    assert.deepEqual(await uids(Run.filter({ id: run.id }).toArray()), [run.uid]);
    assert.deepEqual(await uids(Run.filter({ uid__startswith: run.uid.slice(0, 10) }).toArray()), []);
    assert.deepEqual(await uids(Run.filter({ id__gte: run.id }).toArray()), []);
    assert.deepEqual(await uids(Run.filter({ branch_id: -1, name: "trashed-run" }).toArray()), [run.uid]);
    assert.deepEqual(await uids(Run.filter({ branch__name: "trash", name: "trashed-run" }).toArray()), [
      run.uid,
    ]);
    assert.deepEqual(await uids(Run.filter({ branch_id: null, name: "trashed-run" }).toArray()), [run.uid]);
    // each filter() call scopes on its own, as LaminDB's process_expressions runs per call
    assert.deepEqual(await uids(Run.filter({ uid: run.uid }).filter({ name: "trashed-run" }).toArray()), []);
    // get(uid) is not scoped
    assert.equal((await Run.get(run.uid.slice(0, 10))).uid, run.uid);
  });

  test("lookup(): Run's field is started_at (no keys); a filtered QuerySet's lookup keeps its filter", async () => {
    await new ULabel({ name: "None" }).save();
    await new ULabel({ name: "lookup-kept" }).save();
    await new ULabel({ name: "lookup-other" }).save();
    const all = await ULabel.lookup();
    assert.ok("none" in all && !("none_" in all));
    assert.ok("lookup_kept" in all && "lookup_other" in all);
    const some = await ULabel.filter({ name: "lookup-kept" }).lookup();
    assert.deepEqual(Object.keys(some), ["lookup_kept"]);
    await new Run(t, { name: "named-run" }).save();
    assert.deepEqual(Object.keys(await Run.lookup()), []);
    assert.ok("named_run" in (await Run.lookup({ field: "name" })));
  });

  test("error classes as LaminDB's: InvalidArgument for an unknown Run field or feature, FieldValidationError for a bad kind", async () => {
    await assert.rejects(Run.filter({ nope: 1 }).toArray(), (e: unknown) => {
      assert.ok(e instanceof InvalidArgument, String(e));
      assert.match(
        e.message,
        /You can query either by available fields: .*\nOr fix invalid feature names: nope/s,
      );
      return true;
    });
    assert.throws(
      () => new Transform({ key: "k", kind: "notebookz" as "notebook" }),
      (e: unknown) =>
        e instanceof FieldValidationError &&
        /Valid values are: function, notebook, pipeline, script/.test(e.message),
    );
  });

  test("is_latest: the only version keeps it in the trash and after restore(); QuerySet.delete() on Transform clears it", async () => {
    const only = await new Transform({ key: "only.py", kind: "script", source_code: "a" }).save();
    await only.delete();
    assert.equal(only.is_latest, true, "nothing to promote: the trashed head stays latest");
    await only.restore();
    assert.equal(only.is_latest, true);
    const v0 = await new Transform({ key: "two.py", kind: "script", source_code: "0" }).save();
    const v1 = await new Transform({ key: "two.py", kind: "script", source_code: "1" }).save();
    await v1.delete();
    await v0.refreshFromDb();
    assert.deepEqual([v0.is_latest, v1.is_latest], [true, false]);
    await v1.restore();
    await v0.refreshFromDb();
    assert.deepEqual([v0.is_latest, v1.is_latest], [true, false], "restore() does not take the head back");
    const q0 = await new Transform({ key: "qs.py", kind: "script", source_code: "0" }).save();
    const q1 = await new Transform({ key: "qs.py", kind: "script", source_code: "1" }).save();
    const lone = await new Transform({ key: "qs-lone.py", kind: "script", source_code: "lone" }).save();
    assert.equal(await Transform.filter({ key__startswith: "qs", uid__in: [q1.uid, lone.uid] }).delete(), 2);
    for (const r of [q0, q1, lone]) await r.refreshFromDb();
    assert.deepEqual([q0.is_latest, q1.is_latest, lone.is_latest], [true, false, false]);
  });

  test("Transform: the same source under another key is the existing transform; revises gives key and description", async () => {
    const a = await new Transform({ key: "first.py", kind: "script", source_code: "print('same')" }).save();
    const b = await new Transform({ key: "second.py", kind: "script", source_code: "print('same')" }).save();
    assert.equal(b.id, a.id, "hash lookup across keys, as LaminDB's constructor");
    assert.equal(b.key, "first.py", "it keeps its key");
    const c = await new Transform({
      key: "third.py",
      kind: "script",
      source_code: "print('same')",
      skip_hash_lookup: true,
    }).save();
    assert.notEqual(c.id, a.id);
    const d0 = await new Transform({
      key: "desc.py",
      kind: "script",
      source_code: "desc 0",
      description: "QC",
    }).save();
    const d1 = await new Transform({ revises: d0, kind: "script", source_code: "desc 1" }).save();
    assert.deepEqual([d1.key, d1.description, d1.uid.slice(0, 12)], ["desc.py", "QC", d0.uid.slice(0, 12)]);
    const d2 = await new Transform({ key: "desc.py", kind: "script", source_code: "desc 2" }).save();
    assert.equal(d2.description, "QC", "an implicit revision inherits the description too");
  });

  test("Transform: uid from the constructor on; revises of an old version revises the live head with a warning", async () => {
    const fresh = new Transform({ key: "uid-early.py", kind: "script", source_code: "early" });
    assert.match(fresh.uid, /^[0-9A-Za-z]{12}0000$/, "a uid before save()");
    const early = fresh.uid;
    await fresh.save();
    assert.equal(fresh.uid, early, "a new family keeps the constructor's uid");
    const v1 = await new Transform({ revises: fresh, kind: "script", source_code: "early 1" }).save();
    assert.equal(v1.uid, early.slice(0, 12) + "0001");
    await fresh.refreshFromDb();
    assert.equal(fresh.is_latest, false);
    const warnings: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === "LaminDBWarning") warnings.push(w.message);
    };
    process.on("warning", onWarning);
    try {
      const pending = new Transform({ revises: fresh, kind: "script", source_code: "early 2" });
      assert.equal(pending.key, "uid-early.py");
      await pending.save();
      // process warnings are delivered on the next tick
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(pending.uid, early.slice(0, 12) + "0002");
      assert.deepEqual(warnings, [
        `\`revises\` was not the latest version, updated it to the current head: Transform(uid='${v1.uid}')`,
      ]);
      await v1.refreshFromDb();
      assert.deepEqual([v1.is_latest, pending.is_latest], [false, true]);
    } finally {
      process.off("warning", onWarning);
    }
    // a head that became old after construction is a concurrent revision: refused, as LaminDB
    const head = await Transform.get({ key: "uid-early.py", is_latest: true });
    const late = new Transform({ revises: head, kind: "script", source_code: "early 3" });
    await new Transform({ revises: head, kind: "script", source_code: "early 4" }).save();
    await assert.rejects(late.save(), /no longer the latest version/);
  });

  test("Transform: a latest version without source and a new source (deliberate: a new version, docs/data-model.md)", async () => {
    const bare = await new Transform({ key: "bare.py", kind: "script" }).save();
    const again = await new Transform({ key: "bare.py", kind: "script" }).save();
    assert.equal(again.id, bare.id, "no source twice: the existing transform, as LaminDB");
    const sourced = await new Transform({ key: "bare.py", kind: "script", source_code: "now" }).save();
    assert.notEqual(sourced.id, bare.id);
    assert.equal(sourced.uid, bare.uid.slice(0, 12) + "0001");
  });

  test("permanent delete of runs removes their report and environment artifacts unless another run uses them", async () => {
    const artifact = (key: string, kind = "__lamindb_run__") =>
      new Artifact({ key, kind, suffix: ".txt" }).save();
    const report = await artifact("cleanup/report.html");
    const shared = await artifact("cleanup/shared-env.txt");
    const env = await artifact("cleanup/env.txt");
    const data = await artifact("cleanup/data.txt", "dataset");
    const run = async (name: string, report: Artifact | null, environment: Artifact | null) => {
      const r = new Run(t, { name });
      r.report_id = report?.id ?? null;
      r.environment_id = environment?.id ?? null;
      return r.save();
    };
    const r1 = await run("cleanup-1", report, shared);
    await run("cleanup-2", null, shared);
    await run("cleanup-3", data, env);
    const exists = async (a: Artifact) => (await Artifact.filter({ id: a.id }).count()) === 1;
    await r1.delete({ permanent: true });
    assert.deepEqual(
      [await exists(report), await exists(shared)],
      [false, true],
      "the report went; the environment another run uses stayed",
    );
    const n = await Run.filter({ name__in: ["cleanup-2", "cleanup-3"] }).delete({ permanent: true });
    assert.equal(n, 2);
    assert.equal(await Run.filter({ name__startswith: "cleanup-" }).count(), 0);
    assert.deepEqual(
      [await exists(shared), await exists(env), await exists(data)],
      [false, false, true],
      "LaminDB's cleanup deletes only artifacts of kind __lamindb_run__",
    );
    // QuerySet.delete({ permanent: true }) on any registry deletes for good
    await new ULabel({ name: "gone-for-good" }).save();
    assert.equal(await ULabel.filter({ name: "gone-for-good" }).delete({ permanent: true }), 1);
    assert.equal(await ULabel.filter({ name: "gone-for-good" }).count(), 0);
  });

  test("to_dataframe: ULabel's foreign keys in Django's field order; include keeps [uid, id, name] first", async () => {
    await new ULabel({ name: "df-label" }).save();
    const frame = await ULabel.filter({ name: "df-label" }).toDataFrame();
    assert.deepEqual(frame.columns, [
      "uid",
      "name",
      "description",
      "reference",
      "reference_type",
      "is_locked",
      "is_type",
      "created_at",
      "branch_id",
      "created_on_id",
      "space_id",
      "created_by_id",
      "run_id",
      "type_id",
    ]);
    const included = await ULabel.filter({ name: "df-label" }).toDataFrame({
      include: ["created_by__handle", "reference"],
    });
    assert.deepEqual(included.columns, ["uid", "name", "created_by__handle", "reference"]);
    assert.equal((await ULabel.toDataFrame()).limit, 100, "the seed page's limit, docs/data-model.md");
  });

  test("describe() text as LaminDB prints it: Run, Transform, Record, Artifact, and a header for others", async () => {
    const at = (d: Date | null | undefined) =>
      `${d!.toISOString().slice(0, 10)} ${d!.toISOString().slice(11, 19)} UTC`;
    const tr = await new Transform({
      key: "describe.py",
      kind: "script",
      source_code: "print('a')\n" + "x".repeat(85),
      description: "QC",
    }).save();
    const run = await new Run(tr, {
      name: "described",
      params: { lr: 1e-5, tag: "x", on: true, ids: [1, "b"] },
    }).save();
    run.cli_args = "--lr 1e-5";
    await run.save();
    const created = at(run.created_at);
    const w = `created_at: ${created}`.length;
    assert.equal(
      String(await run.describe()),
      [
        "Run: described (describe.py)",
        `├── ${`uid: ${run.uid}`.padEnd(w)}  transform: describe.py`,
        `│   ${`started_at: ${at(run.started_at)}`.padEnd(w)}  finished_at:`,
        "│   status: scheduled",
        `│   ${"branch: main".padEnd(w)}  space: all`,
        `│   ${`created_at: ${created}`}  created_by: anonymous`,
        "├── cli_args:",
        "│   │ --lr 1e-5",
        "└── Params",
        "    ├── lr: 1e-05", // jsonb's key order, as LaminDB reads it back
        "    ├── on: True",
        "    ├── ids: [1, 'b']",
        "    └── tag: x",
      ].join("\n"),
    );
    const tagged = await new Transform({
      revises: tr,
      kind: "script",
      source_code: "v2",
      version: "2.0",
    }).save();
    const r2 = await new Run(tagged, { name: "tagged" }).save();
    assert.match(String(await r2.describe()), /transform: describe\.py \(2\.0\)\n/);
    const tc = at(tr.created_at);
    assert.equal(
      String(await tr.describe()),
      [
        `Transform: describe.py (${tr.uid.slice(-4)})`,
        "|   description: QC",
        `├── uid: ${tr.uid}`,
        `│   ${`hash: ${tr.hash}`.padEnd(w)}  type: script`,
        `│   ${"branch: main".padEnd(w)}  space: all`,
        `│   created_at: ${tc}  created_by: anonymous`,
        "└── source_code:",
        "    │ print('a')",
        `    │ ${"x".repeat(80)} …`,
      ].join("\n"),
    );
    const rec = await new LaminRecord({ name: "describe-rec" }).save();
    assert.deepEqual(
      String(await rec.describe())
        .split("\n")
        .slice(0, 3),
      ["Record: describe-rec", `└── uid: ${rec.uid}  type:`, `    ${"is_type: False".padEnd(21)}  schema:`],
    );
    const label = await new ULabel({ name: "describe-label" }).save();
    assert.equal(String(await label.describe()), "ULabel: describe-label");
    const artifact = await new Artifact({
      key: "describe/a.csv",
      suffix: ".csv",
      kind: "dataset",
      run,
    }).save();
    const text = String(await artifact.describe()).split("\n");
    assert.equal(text[0], `Artifact: describe/a.csv (0000)`);
    assert.equal(text[1], `├── ${`uid: ${artifact.uid}`.padEnd(w)}  run: described (describe.py)`);
    assert.equal(text[2], `│   ${"kind: dataset".padEnd(w)}  otype: None`);
    assert.match(
      text[text.length - 1],
      new RegExp(`^└── storage/path: .+/\\.lamindb/${artifact.uid}\\.csv$`),
    );
  });

  test("describe(include: 'comments'): README first, then comments titled by author and time", async () => {
    const run = await new Run(t, { name: "blocks" }).save();
    const comment = await new RunBlock({ run, content: "looks good", kind: "comment" }).save();
    await new RunBlock({ run, content: "# Notes" }).save();
    const at = comment.created_at!.toISOString();
    const text = String(await run.describe({ include: "comments" }));
    assert.ok(
      text.endsWith(
        [
          "├── README:",
          "│   │ # Notes",
          `└── comment by anonymous at ${at.slice(0, 10)} ${at.slice(11, 19)} UTC:`,
          "    │ looks good",
        ].join("\n"),
      ),
      text,
    );
  });
});
