// "LaminDB: Load demo data" (lamin/loadDemoData), and `npm start`'s first start: a registry with real
// content, so completions, hover, did-you-mean, describe() with lineage and the Registries tree show
// something at once. The vocabularies are real (vocabularies.json: Gene Ontology cell types and NCBI Gene
// symbols, derived by scripts/demo-data/extract-vocabularies.py; provenance and licences inside); the
// projects, features, transforms, runs and artifacts around them are a small single-cell analysis.
// Only inserts: rows that exist (same name, same key) are left as they are, so loading twice adds nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Artifact,
  Feature,
  Project,
  RecordList,
  Run,
  Transform,
  ULabel,
  type Instance,
} from "../../db/index";

interface Vocabularies {
  provenance: Record<string, string>;
  cell_types: Array<{ name: string; go_id: string; process: string; definition: string | null }>;
  genes: Array<{ symbol: string; name: string; entrez_id: number }>;
}

export interface DemoDataResult {
  created: Record<string, number>;
  /** Rows that were there already and were left alone. */
  existing: Record<string, number>;
}

/** vocabularies.json: beside this module in the sources, in dist/demo/ beside the server bundle. */
function readVocabularies(): Vocabularies {
  const candidates = [join(__dirname, "demo", "vocabularies.json"), join(__dirname, "vocabularies.json")];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`the demo vocabularies are missing (looked in ${candidates.join(", ")})`);
  return JSON.parse(readFileSync(file, "utf8")) as Vocabularies;
}

const DAY = 24 * 3600 * 1000;

export async function loadDemoData(
  instance: Instance,
  progress: (message: string) => void = () => {},
): Promise<DemoDataResult> {
  const vocab = readVocabularies();
  const created: Record<string, number> = {};
  const existing: Record<string, number> = {};
  const count = (what: Record<string, number>, registry: string, n = 1) => {
    if (n > 0) what[registry] = (what[registry] ?? 0) + n;
  };

  // ---- ULabels: two types and their values ----------------------------------------------------------
  progress("labels");
  const typeOf = async (name: string, description: string) => {
    const found = await ULabel.filter({ name, is_type: true }).first();
    if (found) {
      count(existing, "ULabel");
      return found;
    }
    count(created, "ULabel");
    return new ULabel({ name, is_type: true, description }).save();
  };
  const cellType = await typeOf("CellType", "Cell types named by the Gene Ontology (GO:0030154 and below).");
  const gene = await typeOf("Gene", "Human protein-coding genes (NCBI Gene).");
  const labelsOf = async (
    type: ULabel,
    values: Array<{ name: string; description: string; reference: string }>,
    referenceType: string,
  ) => {
    const names = new Set(
      (await ULabel.filter({ type, name__in: values.map((v) => v.name) }).toArray()).map((l) => l.name),
    );
    const fresh = values
      .filter((v) => !names.has(v.name))
      .map((v) => new ULabel({ ...v, type, reference_type: referenceType }));
    await RecordList.fromRecords(fresh).save();
    count(created, "ULabel", fresh.length);
    count(existing, "ULabel", names.size);
  };
  await labelsOf(
    cellType,
    vocab.cell_types.map((c) => ({
      name: c.name,
      description: c.definition ?? c.process,
      reference: c.go_id,
    })),
    "GO",
  );
  await labelsOf(
    gene,
    vocab.genes.map((g) => ({ name: g.symbol, description: g.name, reference: `NCBIGene:${g.entrez_id}` })),
    "NCBI Gene",
  );

  // ---- Projects and Features --------------------------------------------------------------------------
  progress("projects and features");
  const project = async (name: string, description: string) => {
    const found = await Project.filter({ name }).first();
    if (found) count(existing, "Project");
    else count(created, "Project");
    return found ?? new Project({ name, description }).save();
  };
  const atlas = await project(
    "PBMC atlas",
    "Peripheral blood mononuclear cells of healthy donors, 10x 3' v3.",
  );
  const screen = await project(
    "T cell exhaustion screen",
    "CRISPR screen of exhaustion regulators in CD8+ T cells.",
  );
  await project("Organoid differentiation", "Time course of intestinal organoid differentiation.");
  const feature = async (name: string, dtype: string, description: string) => {
    const found = await Feature.filter({ name }).first();
    if (found) count(existing, "Feature");
    else count(created, "Feature");
    return found ?? new Feature({ name, dtype, description }).save();
  };
  await feature("cell_type", "cat[ULabel[CellType]]", "The annotated cell type of a cell or cluster.");
  await feature("n_cells", "int", "Number of cells that passed QC.");
  await feature("tissue", "str", "The tissue the sample came from.");
  await feature("donor", "str", "The donor's identifier.");
  await feature("median_genes_per_cell", "float", "Median number of detected genes per cell.");

  // ---- Transforms with runs, params, features and lineage ---------------------------------------------
  progress("transforms and runs");
  const { knex, userId } = instance;
  const labels = async (names: string[]) => ULabel.filter({ name__in: names }).toArray();
  const link = async (table: string, rows: Array<Record<string, unknown>>) => {
    if (rows.length) await knex(table).insert(rows);
  };
  const now = Date.now();
  const pipeline = async (
    key: string,
    kind: "pipeline" | "notebook" | "script",
    description: string,
    runs: Array<{
      daysAgo: number;
      minutes: number;
      status: "completed" | "errored" | "aborted";
      params: Record<string, unknown>;
      features?: Record<string, string | number>;
      inputs?: Artifact[];
      outputs?: Array<{
        key: string;
        suffix: string;
        otype?: string;
        size: number;
        n_observations?: number;
        description: string;
      }>;
      ulabels?: string[];
      projects?: Project[];
    }>,
  ): Promise<Artifact[]> => {
    if (await Transform.filter({ key }).exists()) {
      count(existing, "Transform");
      return Artifact.filter({ run__transform__key: key }).orderBy("id").toArray();
    }
    const transform = await new Transform({ key, kind, description }).save();
    count(created, "Transform");
    const outputs: Artifact[] = [];
    for (const spec of runs) {
      const started = new Date(now - spec.daysAgo * DAY);
      const run = await new Run(transform, {
        status: "started",
        started_at: started,
        params: spec.params,
      }).save();
      run._status_code = { completed: 0, errored: 1, aborted: 2 }[spec.status];
      run.finished_at = new Date(started.getTime() + spec.minutes * 60_000);
      await run.save();
      count(created, "Run");
      if (spec.features) await run.features.setValues(spec.features);
      for (const out of spec.outputs ?? []) {
        const a = await new Artifact({ ...out, kind: "dataset", run }).save();
        count(created, "Artifact");
        outputs.push(a);
      }
      await link(
        "lamindb_artifact_input_of_runs",
        (spec.inputs ?? []).map((a) => ({ artifact_id: a.id, run_id: run.id })),
      );
      await link(
        "lamindb_runulabel",
        (await labels(spec.ulabels ?? [])).map((l) => ({
          run_id: run.id,
          ulabel_id: l.id,
          created_by_id: userId,
        })),
      );
      await link(
        "lamindb_runproject",
        (spec.projects ?? []).map((p) => ({ run_id: run.id, project_id: p.id, created_by_id: userId })),
      );
    }
    return outputs;
  };

  const counts = await pipeline(
    "cellranger count",
    "pipeline",
    "10x Genomics Cell Ranger: reads to counts.",
    [
      {
        daysAgo: 9,
        minutes: 96,
        status: "completed",
        params: { chemistry: "SC3Pv3", expect_cells: 10000, reference: "GRCh38-2020-A" },
        features: { tissue: "blood", donor: "D1" },
        outputs: [
          {
            key: "counts/pbmc10k_D1.h5ad",
            suffix: ".h5ad",
            otype: "AnnData",
            size: 412_883_120,
            n_observations: 11_769,
            description: "Filtered counts, donor D1",
          },
        ],
        projects: [atlas],
      },
      {
        daysAgo: 8,
        minutes: 101,
        status: "completed",
        params: { chemistry: "SC3Pv3", expect_cells: 10000, reference: "GRCh38-2020-A" },
        features: { tissue: "blood", donor: "D2" },
        outputs: [
          {
            key: "counts/pbmc10k_D2.h5ad",
            suffix: ".h5ad",
            otype: "AnnData",
            size: 398_120_448,
            n_observations: 10_452,
            description: "Filtered counts, donor D2",
          },
        ],
        projects: [atlas],
      },
    ],
  );
  const annotated = await pipeline(
    "notebooks/qc-and-annotation.ipynb",
    "notebook",
    "QC, clustering and cell type annotation",
    [
      {
        daysAgo: 6,
        minutes: 14,
        status: "errored",
        params: { min_genes: 200, max_pct_mito: 5, resolution: 0.8 },
        inputs: counts,
        projects: [atlas],
      },
      {
        daysAgo: 5,
        minutes: 22,
        status: "completed",
        params: { min_genes: 200, max_pct_mito: 10, resolution: 0.8 },
        features: { n_cells: 21_035, median_genes_per_cell: 1_874.5, tissue: "blood" },
        inputs: counts,
        outputs: [
          {
            key: "annotated/pbmc10k_annotated.h5ad",
            suffix: ".h5ad",
            otype: "AnnData",
            size: 845_112_832,
            n_observations: 21_035,
            description: "Both donors, QC'd and annotated",
          },
        ],
        ulabels: [
          "T cell",
          "B cell",
          "natural killer cell",
          "monocyte",
          "dendritic cell",
          "CD3E",
          "MS4A1",
          "NKG7",
          "LYZ",
        ],
        projects: [atlas],
      },
    ],
  );
  await pipeline(
    "scripts/differential-expression.py",
    "script",
    "Marker genes per cell type (Wilcoxon rank-sum).",
    [
      {
        daysAgo: 4,
        minutes: 7,
        status: "completed",
        params: { groupby: "cell_type", method: "wilcoxon", n_genes: 50 },
        inputs: annotated,
        outputs: [
          {
            key: "markers/pbmc10k_markers.parquet",
            suffix: ".parquet",
            otype: "DataFrame",
            size: 1_204_224,
            n_observations: 250,
            description: "Top 50 markers of each cell type",
          },
        ],
        ulabels: ["T cell", "B cell", "CD3E", "CD19", "MS4A1"],
        projects: [atlas, screen],
      },
      {
        daysAgo: 1,
        minutes: 2,
        status: "aborted",
        params: { groupby: "cell_type", method: "t-test", n_genes: 100 },
        inputs: annotated,
        projects: [screen],
      },
    ],
  );
  progress("done");
  return { created, existing };
}
