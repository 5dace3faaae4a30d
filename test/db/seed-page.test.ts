// Every example on LaminDB's Run API page (the seed page), written in TypeScript, on both databases.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Artifact,
  Feature,
  Project,
  Q,
  Record,
  Run,
  Transform,
  ULabel,
  User,
  connect,
  setInstances,
  closeNamedInstances,
} from "../../db/index";
import { createPostgresDatabase, describeEachDatabase } from "../helpers/databases";

describeEachDatabase("the seed page's examples", (ctx) => {
  test("Create a run record", async () => {
    // ln.Transform(key="Cell Ranger", version="7.2.0", kind="pipeline").save()
    await new Transform({ key: "Cell Ranger", version: "7.2.0", kind: "pipeline" }).save();
    // transform = ln.Transform.get(key="Cell Ranger", version="7.2.0")
    const transform = await Transform.get({ key: "Cell Ranger", version: "7.2.0" });
    // run = ln.Run(transform)
    const run = new Run(transform);
    assert.equal(run.transform_id, transform.id);
    await run.save();
    assert.equal((await run.transform).key, "Cell Ranger");
  });

  test("params: pass them to Run(transform, params=...) or add them later", async () => {
    const transform = await Transform.get({ key: "Cell Ranger", version: "7.2.0" });
    const early = await new Run(transform, { params: { learning_rate: 0.02 } }).save();
    assert.deepEqual((await Run.get(early.uid)).params, { learning_rate: 0.02 });
    const run = await new Run(transform).save();
    run.params = {
      learning_rate: 0.01,
      input_dir: "s3://my-bucket/mydataset",
      downsample: true,
      preprocess_params: {
        normalization_type: "cool",
        subset_highlyvariable: true,
      },
    };
    await run.save();
    assert.deepEqual((await Run.get(run.id!)).params, run.params);
    assert.equal(await Run.filter({ params__preprocess_params__normalization_type: "cool" }).count(), 1);
  });

  test("features: run.features.set_values({ experiment: 'My experiment 1' })", async () => {
    await new Feature({ name: "experiment", dtype: "str" }).save();
    const run = await new Run(await Transform.get({ key: "Cell Ranger" })).save();
    await run.features.setValues({ experiment: "My experiment 1" });
    assert.deepEqual(
      (await run.features.getValues()).map((v) => [v.name, v.value]),
      [["experiment", "My experiment 1"]],
    );
    assert.deepEqual(
      (await Run.filter({ experiment: "My experiment 1" })).map((r) => r.id),
      [run.id],
    );
  });

  test("status: run.status, and ln.Run.filter(status='completed').to_dataframe()", async () => {
    const run = await new Run(await Transform.get({ key: "Cell Ranger" })).save();
    assert.equal(run.status, "scheduled");
    run._status_code = 0;
    await run.save();
    assert.equal(run.status, "completed");
    const df = await Run.filter({ status: "completed" }).toDataFrame();
    assert.deepEqual(df.index.values, [run.id]);
  });

  test("filter: ln.Project(name='my label').save(); ln.Project.filter(name__startswith='my').to_dataframe()", async () => {
    await new Project({ name: "my label" }).save();
    const df = await Project.filter({ name__startswith: "my" }).toDataFrame();
    assert.equal(df.rows.length, 1);
    assert.equal(df.rows[0][df.columns.indexOf("name")], "my label");
  });

  test("get: ln.Record.get('FvtpPJLJ'); ln.Record.get(name='my-label')", async () => {
    const record = await new Record({ name: "my-label" }).save();
    assert.equal((await Record.get(record.uid.slice(0, 8))).id, record.id);
    assert.equal((await Record.get({ name: "my-label" })).id, record.id);
  });

  test("to_dataframe: include='created_by__name', include='features', features=[...]", async () => {
    await User.filter({ handle: "anonymous" }).first(); // the creator exists
    const byCreator = await Record.toDataFrame({ include: "created_by__name" });
    assert.ok(byCreator.columns.includes("created_by__name"));
    await new Artifact({ key: "seed/a.h5ad", suffix: ".h5ad" }).save();
    const withFeatures = await Artifact.toDataFrame({ include: "features" });
    assert.equal(withFeatures.rows.length, 1);
    await new Feature({ name: "cell_type_by_expert", dtype: "cat[Record]" }).save();
    await new Feature({ name: "cell_type_by_model", dtype: "cat[Record]" }).save();
    const selected = await Artifact.toDataFrame({ features: ["cell_type_by_expert", "cell_type_by_model"] });
    assert.deepEqual(selected.columns, ["uid", "key", "cell_type_by_expert", "cell_type_by_model"]);
  });

  test("search: ln.Record.from_values(['Label1', 'Label2', 'Label3'], field='name').save(); ln.Record.search('Label2')", async () => {
    const records = await (await Record.fromValues(["Label1", "Label2", "Label3"], { field: "name" })).save();
    assert.equal(records.length, 3);
    const found = await Record.search("Label2");
    assert.equal(found[0].name, "Label2");
    assert.ok(found[0].score >= 200);
  });

  test("lookup: lookup.adgb_dt, lookup.dict()['ADGB-DT'], field and return_field", async () => {
    await new ULabel({ name: "ADGB-DT", reference: "ENSG00000237013" }).save();
    const lookup = await ULabel.lookup();
    assert.equal((lookup.adgb_dt as ULabel).name, "ADGB-DT");
    assert.equal((lookup.dict()["ADGB-DT"] as ULabel).name, "ADGB-DT");
    const byReference = await ULabel.lookup({ field: "reference" });
    assert.equal((byReference.ensg00000237013 as ULabel).name, "ADGB-DT");
    const names = await ULabel.lookup<ULabel, string>({ field: "reference", return_field: "name" });
    assert.equal(names.ensg00000237013, "ADGB-DT");
  });

  test("query_output_artifacts(include_recreated=True)", async () => {
    const transform = await Transform.get({ key: "Cell Ranger" });
    const run = await new Run(transform).save();
    const created = await new Artifact({ key: "seed/out.csv", suffix: ".csv", run }).save();
    const recreated = await new Artifact({ key: "seed/old.csv", suffix: ".csv" }).save();
    await ctx.instance
      .knex("lamindb_artifact_recreating_runs")
      .insert({ artifact_id: recreated.id, run_id: run.id });
    const both = await run.queryOutputArtifacts();
    assert.deepEqual(both.map((a) => a.id).sort(), [created.id, recreated.id].sort());
    assert.deepEqual(
      (await run.queryOutputArtifacts({ include_recreated: false })).map((a) => a.id),
      [created.id],
    );
    assert.deepEqual(
      (await run.output_artifacts).map((a) => a.id),
      [created.id],
    );
    assert.deepEqual(
      (await run.recreated_artifacts).map((a) => a.id),
      [recreated.id],
    );
    // the query it stands on: ln.Artifact.filter(ln.Q(run=self) | ln.Q(recreating_runs=self)).distinct()
    assert.equal(
      await Artifact.filter(Q({ run }).or(Q({ recreating_runs: run })))
        .distinct()
        .count(),
      2,
    );
  });

  test("restore(), delete(permanent=...), save(), describe(include=...), refresh_from_db(fields=...)", async () => {
    const run = await new Run(await Transform.get({ key: "Cell Ranger" }), { name: "lifecycle" }).save();
    await run.delete();
    assert.equal(run.branch_id, -1);
    await run.restore();
    assert.equal(run.branch_id, 1);
    const description = await run.describe({ include: "comments" });
    assert.match(String(description), /^Run: lifecycle \(Cell Ranger\)/);
    await ctx.instance.knex("lamindb_run").where({ id: run.id }).update({ name: "renamed" });
    await run.refreshFromDb({ fields: ["name"] });
    assert.equal(run.name, "renamed");
    await run.delete({ permanent: true });
    assert.equal(await Run.filter({ name: "renamed" }).count(), 0);
  });
});

test("connect: ln.Record.connect('account_handle/instance_name').search('label7', field='name')", async () => {
  const db = await createPostgresDatabase();
  const other = await connect({ url: db.url, setDefault: false });
  const local = await connect({ memory: true });
  try {
    await other.knex("lamindb_record").insert({ uid: "label7label7labl", name: "label7", created_by_id: 1 });
    setInstances({ "account_handle/instance_name": db.url });
    const found = await Record.connect("account_handle/instance_name").search("label7", { field: "name" });
    assert.deepEqual(
      found.map((r) => r.name),
      ["label7"],
    );
  } finally {
    await closeNamedInstances();
    await other.close();
    await local.close();
    await db.drop();
  }
});
