// run.features (set/add/remove values, validation, LaminDB's JsonValue hashes, filtering by
// features) and describe() (the Description JSON and LaminDB's text layout).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  Artifact,
  Feature,
  hashString,
  Record,
  Run,
  RunBlock,
  Transform,
  ValidationError,
  InvalidArgument,
} from "../../db/index";
import { pyJsonDumps, pyStr } from "../../db/features/python-hash";
import { describeEachDatabase } from "../helpers/databases";

test("Python's str() and json.dumps(sort_keys=True), as LaminDB hashes values", () => {
  assert.equal(pyStr(1), "1");
  assert.equal(pyStr(1, true), "1.0");
  assert.equal(pyStr(0.1), "0.1");
  assert.equal(pyStr(1e-7), "1e-07");
  assert.equal(pyStr(true), "True");
  assert.equal(pyStr(null), "None");
  assert.equal(pyStr([1, "a", false]), "[1, 'a', False]");
  assert.equal(pyStr(["it's"]), `["it's"]`);
  assert.equal(pyStr("text"), "text");
  assert.equal(pyJsonDumps({ b: 1, a: [true, null, "é"] }), '{"a": [true, null, "\\u00e9"], "b": 1}');
  // python: hash_string(str(42)) == hash_string("42")
  assert.equal(hashString("42"), hashString(pyStr(42)));
});

describeEachDatabase("features and describe", (ctx) => {
  let t: Transform;
  before(async () => {
    t = await new Transform({ key: "notebooks/features.ipynb", kind: "notebook" }).save();
    await new Feature({ name: "experiment", dtype: "str" }).save();
    await new Feature({ name: "n_cells", dtype: "int" }).save();
    await new Feature({ name: "threshold", dtype: "float" }).save();
    await new Feature({ name: "config", dtype: "dict" }).save();
    await new Feature({ name: "tissue", dtype: "cat[Record]" }).save();
    await new Record({ name: "lung" }).save();
    await new Record({ name: "liver" }).save();
  });

  test("setValues replaces, addValues adds, removeValues removes; values are shared JsonValue rows", async () => {
    const a = await new Run(t).save();
    const b = await new Run(t).save();
    await a.features.setValues({ experiment: "exp 1", n_cells: 1000, config: { k: [1, 2] }, tissue: "lung" });
    await b.features.setValues({ experiment: "exp 1" });
    const count = Number(
      (
        await ctx.instance
          .knex("lamindb_jsonvalue")
          .where({ value: JSON.stringify("exp 1") })
          .count("* as n")
      )[0].n,
    );
    assert.equal(count, 1, "UNIQUE(feature, hash) shares the value between runs");
    await a.features.addValues({ threshold: 0.5, tissue: ["liver"] });
    const values = Object.fromEntries(
      (await a.features.getValues()).map((v) => [
        v.name,
        Array.isArray(v.value) ? [...v.value].sort() : v.value,
      ]),
    );
    assert.deepEqual(values, {
      experiment: "exp 1",
      n_cells: 1000,
      config: { k: [1, 2] },
      tissue: ["liver", "lung"],
      threshold: 0.5,
    });
    const tissue = (await a.features.getValues()).find((v) => v.name === "tissue")!;
    assert.equal(tissue.categorical, true);
    assert.deepEqual((tissue.value as string[]).sort(), ["liver", "lung"]);
    await a.features.setValues({ n_cells: 5 });
    assert.deepEqual(
      (await a.features.getValues()).map((v) => [v.name, v.value]),
      [["n_cells", 5]],
    );
    await a.features.removeValues(["n_cells"]);
    assert.deepEqual(await a.features.getValues(), []);
    const stored = await ctx.instance
      .knex("lamindb_jsonvalue")
      .where({ value: JSON.stringify(1000) })
      .first();
    assert.equal(stored.hash, hashString("1000"), "the hash is LaminDB's hash_string(str(value))");
  });

  test("unknown features and values of the wrong dtype are refused, nothing written", async () => {
    const run = await new Run(t).save();
    await assert.rejects(run.features.addValues({ experiment: "ok", colour: "red" }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.match(String(e), /These keys could not be validated: \["colour"\]/);
      assert.match(String(e), /new Feature\(\{ name: "colour", dtype: "str" \}\)\.save\(\)/);
      return true;
    });
    await assert.rejects(run.features.addValues({ n_cells: "many" }), /dtype int/);
    await assert.rejects(run.features.addValues({ n_cells: 1.5 }), /dtype int/);
    await assert.rejects(run.features.addValues({ tissue: "brain" }), /no Record named "brain"/);
    assert.deepEqual(await run.features.getValues(), [], "the transaction wrote nothing");
    await assert.rejects(new Run(t).features.addValues({ experiment: "x" }), InvalidArgument);
  });

  test("Run.filter by feature values: exact, lookups, categorical, combined", async () => {
    const r1 = await new Run(t, { name: "f1" }).save();
    const r2 = await new Run(t, { name: "f2" }).save();
    await r1.features.setValues({ experiment: "Alpha study", n_cells: 500, tissue: "lung" });
    await r2.features.setValues({ experiment: "beta study", n_cells: 5000, tissue: "liver" });
    const ids = async (q: globalThis.Record<string, unknown>) =>
      (await Run.filter(q)).map((r) => r.name).sort();
    assert.deepEqual(await ids({ experiment: "Alpha study" }), ["f1"]);
    assert.deepEqual(await ids({ n_cells__gt: 1000 }), ["f2"]);
    assert.deepEqual(await ids({ n_cells__lte: 500, tissue: "lung" }), ["f1"]);
    assert.deepEqual(
      await ids({ experiment__startswith: "ALPHA" }),
      ["f1"],
      "startswith becomes icontains, as in LaminDB",
    );
    assert.deepEqual(await ids({ experiment__contains: "STUDY" }), ["f1", "f2"]);
    assert.deepEqual(await ids({ tissue__in: ["lung", "liver"] }), ["f1", "f2"]);
    assert.deepEqual(await ids({ tissue: await Record.get({ name: "liver" }) }), ["f2"]);
    await assert.rejects(Run.filter({ nope: 1 }).toArray(), /Unknown field or feature 'nope'/);
  });

  test("describe(): Description JSON for a run, with lineage, params, features, blocks", async () => {
    const run = await new Run(t, { name: "described", params: { lr: 0.01, layers: [2, 3] } }).save();
    run._status_code = 0;
    run.finished_at = new Date();
    await run.save();
    await run.features.setValues({ experiment: "exp 1", tissue: "lung" });
    const input = await new Artifact({ key: "in/raw.h5ad", suffix: ".h5ad" }).save();
    await ctx.instance
      .knex("lamindb_artifact_input_of_runs")
      .insert({ artifact_id: input.id, run_id: run.id });
    const output = await new Artifact({ key: "out/report.html", suffix: ".html", run }).save();
    await new RunBlock({ run, content: "# Notes\nfirst run" }).save();
    await new RunBlock({ run, content: "a comment", kind: "comment" }).save();
    const d = await run.describe();
    assert.equal(d.kind, "lamindb.describe");
    assert.equal(d.registry, "Run");
    assert.equal(d.title, "Run: described (notebooks/features.ipynb)");
    assert.equal(d.status, "completed");
    assert.deepEqual(
      d.fields.map((f) => f.name),
      [
        "uid",
        "transform",
        "started_at",
        "finished_at",
        "status",
        "reference",
        "branch",
        "space",
        "created_at",
        "created_by",
      ],
    );
    assert.equal(d.fields.find((f) => f.name === "transform")?.value, "notebooks/features.ipynb (0000)");
    assert.equal(d.fields.find((f) => f.name === "transform")?.ref?.registry, "Transform");
    assert.equal(d.fields.find((f) => f.name === "branch")?.value, "main");
    assert.deepEqual(d.params, { lr: 0.01, layers: [2, 3] });
    assert.deepEqual(
      d.features.map((f) => [f.name, f.dtype, f.value, f.categorical]),
      [
        ["tissue", "Record", "lung", true],
        ["experiment", "str", "exp 1", false],
      ],
    );
    assert.deepEqual(
      d.blocks.map((b) => b.kind),
      ["readme"],
      "comments only with include: 'comments'",
    );
    assert.deepEqual(
      (await run.describe({ include: "comments" })).blocks.map((b) => b.kind),
      ["readme", "comment"],
    );
    const roles = Object.fromEntries(d.lineage!.nodes.map((n) => [`${n.registry}:${n.id}`, n.role]));
    assert.equal(roles[`Artifact:${input.id}`], "input");
    assert.equal(roles[`Artifact:${output.id}`], "output");
    assert.equal(roles[`Run:${run.id}`], "self");
    assert.deepEqual(
      d.lineage!.edges.map((e) => [e.from, e.to]).sort(),
      [
        [`Artifact:${input.id}`, `Run:${run.id}`],
        [`Run:${run.id}`, `Artifact:${output.id}`],
      ].sort(),
    );
    assert.ok(
      d.relations.some(
        (r) => r.name === "output_artifacts" && r.total === 1 && r.records[0].label === "out/report.html",
      ),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(d)).text, d.text, "plain JSON, the text included");
  });

  test("describe() text: LaminDB's layout for a run", async () => {
    const run = await new Run(t, { name: "texty", params: { a: 1 } }).save();
    await run.features.setValues({ n_cells: 3 });
    const text = String(await run.describe());
    const lines = text.split("\n");
    assert.equal(lines[0], "Run: texty (notebooks/features.ipynb)");
    // two-space gaps; the transform's version only when tagged (LaminDB reads version_tag); a blank reference
    assert.match(lines[1], /^├── uid: [0-9A-Za-z]{16} {16}transform: notebooks\/features\.ipynb$/);
    assert.match(lines[2], /^│ {3}started_at: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC {2}finished_at:$/);
    assert.match(lines[3], /^│ {3}status: scheduled$/);
    assert.match(lines[4], /^│ {3}branch: main {25}space: all$/);
    assert.ok(text.includes("├── Params\n│   └── a: 1"));
    assert.ok(text.includes(`└── Features\n    └── ${"n_cells".padEnd(30)}  ${"int".padEnd(35)}  3`));
  });

  test("describe() of a trashed record warns; of an artifact draws its lineage", async () => {
    const run = await new Run(t, { name: "producer" }).save();
    const artifact = await new Artifact({ key: "lineage/x.csv", suffix: ".csv", run }).save();
    const consumer = await new Run(t, { name: "consumer" }).save();
    await ctx.instance
      .knex("lamindb_artifact_input_of_runs")
      .insert({ artifact_id: artifact.id, run_id: consumer.id });
    const d = await artifact.describe();
    assert.equal(d.title, "Artifact: lineage/x.csv");
    assert.deepEqual(
      d.lineage!.edges.map((e) => e.label),
      ["output", "input"],
    );
    await run.delete();
    const trashed = await run.describe();
    assert.match(trashed.warnings.join(" "), /trash/);
  });
});
