// The demo registry (server/demo/load-demo.ts, lamin/loadDemoData) on both databases: real vocabularies as
// typed ULabels, the analysis around them with lineage, and loading only inserts: rows that exist stay
// exactly as they were, and a second load adds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Artifact, Feature, Project, Run, Transform, ULabel } from "../../db/index";
import { loadDemoData } from "../../server/demo/load-demo";
import { describeEachDatabase } from "../helpers/databases";

const vocab = JSON.parse(readFileSync("server/demo/vocabularies.json", "utf8")) as {
  provenance: Record<string, string>;
  cell_types: Array<{ name: string; go_id: string }>;
  genes: Array<{ symbol: string; entrez_id: number }>;
};

describeEachDatabase("demo data", (ctx) => {
  test("the vocabularies say where they come from and hold a few thousand real terms", () => {
    assert.match(vocab.provenance.cell_types, /Gene Ontology/);
    assert.match(vocab.provenance.genes, /NCBI/);
    assert.match(vocab.provenance.licences, /CC BY 4\.0/);
    assert.ok(vocab.cell_types.length >= 300 && vocab.genes.length >= 2000);
    const t = vocab.cell_types.find((c) => c.name === "T cell");
    assert.equal(t?.go_id, "GO:0030217"); // T cell differentiation
    assert.equal(vocab.genes.find((g) => g.symbol === "TP53")?.entrez_id, 7157);
  });

  test("a user's own rows are left alone; everything else is added, with types, references and lineage", async () => {
    // what the instance holds already: a CellType type and a "T cell" of its own, a project
    const own = await new ULabel({ name: "CellType", is_type: true, description: "ours" }).save();
    const mine = await new ULabel({ name: "T cell", type: own, description: "our own definition" }).save();
    await new Project({ name: "PBMC atlas", description: "our project" }).save();

    const first = await loadDemoData(ctx.instance);
    const expectedLabels = vocab.cell_types.length + vocab.genes.length + 2; // + the two types
    assert.equal(first.created.ULabel, expectedLabels - 2, "all but the two rows that existed");
    assert.equal(first.existing.ULabel, 2);
    assert.equal(first.existing.Project, 1);
    const again = await ULabel.get({ id: mine.id });
    assert.equal(again.description, "our own definition", "an existing row is not changed");
    assert.equal(await ULabel.filter({ name: "T cell" }).count(), 1, "not added twice");
    assert.equal((await Project.get({ name: "PBMC atlas" })).description, "our project");

    const gene = await ULabel.get({ name: "TP53" });
    assert.equal(gene.reference, "NCBIGene:7157");
    assert.equal((await gene.type)?.name, "Gene");
    const nk = await ULabel.get({ name: "natural killer cell" });
    assert.equal(nk.reference_type, "GO");
    assert.equal((await nk.type)?.id, own.id, "labels of an existing type go under it");
    assert.ok(await Feature.filter({ name: "n_cells" }).exists());

    // lineage: the annotation notebook read the counts and wrote the annotated dataset
    const annotation = await Transform.get({ key: "notebooks/qc-and-annotation.ipynb" });
    const runs = await Run.filter({ transform: annotation }).orderBy("started_at").toArray();
    assert.deepEqual(
      runs.map((r) => r.status),
      ["errored", "completed"],
    );
    const completed = runs[1];
    assert.deepEqual(completed.params, { min_genes: 200, max_pct_mito: 10, resolution: 0.8 });
    assert.ok(completed.finished_at && completed.finished_at > completed.started_at);
    assert.deepEqual((await completed.input_artifacts).map((a) => a.key).sort(), [
      "counts/pbmc10k_D1.h5ad",
      "counts/pbmc10k_D2.h5ad",
    ]);
    assert.deepEqual(
      (await completed.output_artifacts).map((a) => a.key),
      ["annotated/pbmc10k_annotated.h5ad"],
    );
    const annotated = await Artifact.get({ key: "annotated/pbmc10k_annotated.h5ad" });
    assert.deepEqual((await annotated.input_of_runs).map((r) => r.params?.method).sort(), [
      "t-test",
      "wilcoxon",
    ]);
    assert.ok((await completed.ulabels).some((l) => l.name === "T cell"));

    // a second load changes nothing
    const counts = async () => ({
      ulabels: await ULabel.filter({}).count(),
      runs: await Run.filter({}).count(),
      artifacts: await Artifact.filter({}).count(),
    });
    const before = await counts();
    const second = await loadDemoData(ctx.instance);
    assert.deepEqual(second.created, {});
    assert.deepEqual(await counts(), before);
  });
});
