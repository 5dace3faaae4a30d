// The Run relations of the seed page that live in link tables of LaminDB's full schema:
// artifacts (lamindb_artifactrun), linked_artifacts and values_artifact (lamindb_runartifact),
// linked_in_records (lamindb_recordrun). Links are written as LaminDB writes them (a row in the link
// table); the relations are read both ways, filtered through, and followed by permanent deletes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Artifact, Feature, ProtectedError, Record, Run, Transform } from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

describeEachDatabase("Run relations in link tables", (ctx) => {
  const k = () => ctx.instance.knex;
  const setup = async (tag: string) => {
    const transform = await new Transform({ key: `relations-${tag}.py`, kind: "script" }).save();
    const run = await new Run(transform, { name: `relations-${tag}` }).save();
    const other = await new Run(transform, { name: `relations-${tag}-other` }).save();
    return { transform, run, other };
  };

  test("artifacts: annotated through lamindb_artifactrun, read from both sides and filtered through", async () => {
    const { run, other } = await setup("artifacts");
    const a = await new Artifact({ key: "relations/annotated.h5ad", suffix: ".h5ad" }).save();
    const b = await new Artifact({ key: "relations/not-annotated.h5ad", suffix: ".h5ad" }).save();
    await k()("lamindb_artifactrun").insert({ artifact_id: a.id, run_id: run.id, created_by_id: 1 });
    assert.deepEqual(
      (await run.artifacts.toArray()).map((x) => x.key),
      ["relations/annotated.h5ad"],
    );
    assert.equal(await other.artifacts.count(), 0);
    assert.deepEqual(
      (await a.runs.toArray()).map((r) => r.id),
      [run.id],
    );
    assert.equal(await b.runs.count(), 0);
    assert.deepEqual(
      (await Run.filter({ artifacts__key: "relations/annotated.h5ad" }).toArray()).map((r) => r.id),
      [run.id],
    );
    assert.equal(await Run.filter({ artifacts: b }).count(), 0);
    // LaminDB's unique constraints hold: the same pair once without a feature
    await assert.rejects(
      k()("lamindb_artifactrun").insert({ artifact_id: a.id, run_id: run.id, created_by_id: 1 }),
      /unique_artifactrun_null_feature/,
    );
  });

  test("linked_artifacts and values_artifact: a run's artifact-valued features (lamindb_runartifact)", async () => {
    const { run, other } = await setup("linked");
    const model = await new Feature({ name: "model_checkpoint", dtype: "cat[Artifact]" }).save();
    const a = await new Artifact({ key: "relations/model.pt", suffix: ".pt" }).save();
    await k()("lamindb_runartifact").insert({ run_id: run.id, artifact_id: a.id, feature_id: model.id });
    assert.deepEqual(
      (await run.linked_artifacts.toArray()).map((x) => x.id),
      [a.id],
    );
    assert.equal(await other.linked_artifacts.count(), 0);
    assert.deepEqual(
      (await a.linked_by_runs.toArray()).map((r) => r.id),
      [run.id],
    );
    assert.equal(await run.artifacts.count(), 0, "linking is not annotating");
    // values_artifact: the link rows themselves, reached through the reverse foreign key
    assert.deepEqual(
      (
        await Run.filter({
          values_artifact__feature__name: "model_checkpoint",
          values_artifact__artifact__key: "relations/model.pt",
        }).toArray()
      ).map((r) => r.id),
      [run.id],
    );
    assert.equal(await Run.filter({ values_artifact__feature__name: "no-such-feature" }).count(), 0);
    assert.equal(
      await Run.filter({ values_artifact__isnull: false, name__startswith: "relations-linked" }).count(),
      1,
    );
    // a linked artifact is protected (links_in_run PROTECT); the run's deletion removes its links (CASCADE)
    await assert.rejects(a.delete({ permanent: true }), ProtectedError);
    await run.delete({ permanent: true });
    assert.equal(
      Number((await k()("lamindb_runartifact").where({ artifact_id: a.id }).count("* as n"))[0].n),
      0,
    );
    await a.delete({ permanent: true });
    assert.equal(
      Number((await k()("lamindb_artifact").where({ key: "relations/model.pt" }).count("* as n"))[0].n),
      0,
    );
  });

  test("linked_in_records: records that hold the run as a feature value (lamindb_recordrun)", async () => {
    const { run, other } = await setup("records");
    const feature = await new Feature({ name: "source_run", dtype: "cat[Run]" }).save();
    const sample = await new Record({ name: "relations-sample" }).save();
    await k()("lamindb_recordrun").insert({ record_id: sample.id, feature_id: feature.id, value_id: run.id });
    assert.deepEqual(
      (await run.linked_in_records.toArray()).map((r) => r.name),
      ["relations-sample"],
    );
    assert.equal(await other.linked_in_records.count(), 0);
    assert.deepEqual(
      (await sample.linked_runs.toArray()).map((r) => r.id),
      [run.id],
    );
    assert.deepEqual(
      (await Run.filter({ linked_in_records__name: "relations-sample" }).toArray()).map((r) => r.id),
      [run.id],
    );
    // the run is a value (links_in_record PROTECT): it cannot be deleted while a record holds it
    await assert.rejects(run.delete({ permanent: true }), (e: unknown) => {
      assert.ok(e instanceof ProtectedError);
      return true;
    });
    assert.equal(await Run.filter({ id: run.id }).count(), 1, "nothing was deleted");
  });
});
