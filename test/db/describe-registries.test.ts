// describe() text of each registry, compared whole with what LaminDB 2.9.1 prints for the same record
// (lamindb/models/_describe.py describe_postgres_sqlite -> describe_postgres, the PostgreSQL path, then
// format_rich_tree(return_str=True): Rich's tree with the colours stripped and lines right-trimmed).
// Annotations that only LaminDB's Python client writes (artifact and record feature values, labels,
// readme blocks of other registries) are inserted as the rows LaminDB writes.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  Artifact,
  Branch,
  Collection,
  Feature,
  JsonValue,
  Project,
  Record as LaminRecord,
  Run,
  Storage,
  Transform,
  ULabel,
} from "../../db/index";
import { sql } from "../../db/query/sql";
import { describeEachDatabase } from "../helpers/databases";

/** format_field_value(datetime): %Y-%m-%d %H:%M:%S %Z */
const at = (d: Date | string | null | undefined) => {
  const iso = new Date(d as Date).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
};

/** add_two_column_items_to_tree: Rich pads the left column to its widest cell, then two spaces. */
function columns(items: string[]): string[] {
  const rows: Array<[string, string]> = [];
  for (let i = 0; i < items.length; i += 2) rows.push([items[i], items[i + 1] ?? ""]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([l, r]) => `${l.padEnd(w)}  ${r}`.trimEnd());
}

/** A tree branch: first line after ├── (or └── when last), the rest after │ (or spaces). */
function branch(lines: string[], last: boolean): string[] {
  return lines.map((l, i) => `${i === 0 ? (last ? "└── " : "├── ") : last ? "    " : "│   "}${l}`.trimEnd());
}

/** create_feature_table: columns of 30, 35 and 40 characters with two spaces between them. */
const row = (name: string, dtype: string, value: string) =>
  `${name.padEnd(30)}  ${dtype.padEnd(35)}  ${value}`.trimEnd();

describeEachDatabase("describe() text of each registry, as LaminDB 2.9.1", (ctx) => {
  let userId: number;
  let tr: Transform;
  let run: Run;
  before(async () => {
    tr = await new Transform({ key: "registries.py", kind: "script" }).save();
    run = await new Run(tr, { name: "describer" }).save();
    userId = Number(tr.created_by_id);
  });

  test("ULabel: describe_header alone (describe_postgres's else branch), then its README", async () => {
    const label = await new ULabel({ name: "B cell", description: "not shown" }).save();
    assert.equal(String(await label.describe()), "ULabel: B cell");
    // append_readme_blocks_to_tree applies to every registry with `ablocks`
    await ctx.instance.knex("lamindb_ulabelblock").insert({
      uid: "ulblockreadme0000000",
      content: "# B cells\nfrom blood",
      kind: "readme",
      is_latest: true,
      ulabel_id: label.id,
      created_by_id: userId,
    });
    assert.equal(
      String(await label.describe()),
      ["ULabel: B cell", "└── README:", "    │ # B cells", "    │ from blood"].join("\n"),
    );
  });

  test("Transform: describe_transform (uid, reference, hash, type, branch, space, created_*)", async () => {
    const t = await new Transform({
      key: "pipelines/qc.py",
      kind: "pipeline",
      reference: "https://example.org/qc",
      version: "1.2",
    }).save();
    assert.equal(
      String(await t.describe()),
      [
        "Transform: pipelines/qc.py (1.2)",
        ...branch(
          columns([
            `uid: ${t.uid}`,
            "reference: https://example.org/qc",
            "hash: None",
            "type: pipeline",
            "branch: main",
            "space: all",
            `created_at: ${at(t.created_at)}`,
            "created_by: anonymous",
          ]),
          true,
        ),
      ].join("\n"),
    );
  });

  test("Branch: describe_branch (status, space, created_at, created_by)", async () => {
    const b = await new Branch({ name: "feature-x" }).save();
    const expected = (status: string) =>
      [
        "Branch: feature-x",
        ...branch(
          columns([
            `status: ${status}`,
            "space: all",
            `created_at: ${at(b.created_at)}`,
            "created_by: anonymous",
          ]),
          true,
        ),
      ].join("\n");
    assert.equal(String(await b.describe()), expected("standalone"));
    await ctx.instance.knex("lamindb_branch").where({ id: b.id }).update({ _status_code: 2 });
    assert.equal(String(await b.describe()), expected("review"), "BRANCH_CODE_TO_STATUS");
    const main = await Branch.get({ name: "main" });
    assert.match(String(await main.describe()), /^Branch: main\n└── status: standalone {2,}space: all\n/);
  });

  test("Collection: describe_collection (uid, run, branch, space, created_*)", async () => {
    const c = await new Collection({ key: "collections/c1", run }).save();
    // get_collection_with_related reads the run's name as get_name_field(Run) = started_at, which
    // PostgreSQL's jsonb_build_object writes as JSON text (ISO 8601 with the offset)
    const started = String(
      (
        await ctx.instance.rows(
          sql`SELECT to_jsonb(started_at) #>> '{}' AS s FROM lamindb_run WHERE id = ${run.id}`,
        )
      )[0].s,
    );
    assert.match(started, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/);
    assert.equal(
      String(await c.describe()),
      [
        `Collection: collections/c1 (${c.uid.slice(-4)})`,
        ...branch(
          columns([
            `uid: ${c.uid}`,
            `run: ${started} (registries.py)`,
            "branch: main",
            "space: all",
            `created_at: ${at(c.created_at)}`,
            "created_by: anonymous",
          ]),
          true,
        ),
      ].join("\n"),
    );
  });

  test("Record: describe_record with its Features (RecordJson, RecordRecord, RecordULabel)", async () => {
    const treatment = await new LaminRecord({ name: "Treatment", is_type: true }).save();
    const dmso = await new LaminRecord({ name: "DMSO", type: treatment }).save();
    const ifng = await new LaminRecord({ name: "IFNG", type: treatment }).save();
    const cell = await new ULabel({ name: "T cell" }).save();
    const perturbation = await new Feature({
      name: "perturbation",
      dtype: `cat[Record[${treatment.uid}]]`,
    }).save();
    const cellType = await new Feature({ name: "cell_type", dtype: "cat[ULabel]" }).save();
    const temperature = await new Feature({ name: "temperature", dtype: "float" }).save();
    const note = await new Feature({ name: "study_note", dtype: "str" }).save();
    const meta = await new Feature({ name: "study_metadata", dtype: "dict" }).save();
    const sample = await new LaminRecord({ name: "sample 1", type: treatment, reference: "S-1" }).save();
    const knex = ctx.instance.knex;
    await knex("lamindb_recordrecord").insert([
      { record_id: sample.id, feature_id: perturbation.id, value_id: ifng.id },
      { record_id: sample.id, feature_id: perturbation.id, value_id: dmso.id },
    ]);
    await knex("lamindb_recordulabel").insert({
      record_id: sample.id,
      feature_id: cellType.id,
      value_id: cell.id,
    });
    await knex("lamindb_recordjson").insert([
      { record_id: sample.id, feature_id: temperature.id, value: JSON.stringify(21.6) },
      { record_id: sample.id, feature_id: note.id, value: JSON.stringify("a fine study") },
      { record_id: sample.id, feature_id: meta.id, value: JSON.stringify({ detail1: "123", detail2: 1 }) },
    ]);
    const text = String(await sample.describe());
    assert.equal(
      text,
      [
        "Record: sample 1",
        ...branch(
          columns([
            `uid: ${sample.uid}`,
            "type: Treatment",
            "is_type: False",
            "schema:",
            "reference: S-1",
            "branch: main",
            "space: all",
            `created_at: ${at(sample.created_at)}`,
            "created_by: anonymous",
          ]),
          false,
        ),
        // get_features_data: categorical features first, then the others, each sorted by name
        ...branch(
          [
            "Features",
            ...branch(
              [
                row("cell_type", "ULabel", "T cell"),
                row("perturbation", "Record[Treatment]", "DMSO, IFNG"),
                row("study_metadata", "dict", "{'detail1': '123', 'detail2': 1}"),
                row("study_note", "str", "a fine study"),
                row("temperature", "float", "21.6"),
              ],
              true,
            ),
          ],
          true,
        ),
      ].join("\n"),
    );
    const d = await sample.describe();
    assert.deepEqual(
      d.features.map((f) => [f.name, f.dtype, f.value]),
      [
        ["cell_type", "ULabel", "T cell"],
        ["perturbation", "Record[Treatment]", ["DMSO", "IFNG"]],
        ["study_metadata", "dict", { detail1: "123", detail2: 1 }],
        ["study_note", "str", "a fine study"],
        ["temperature", "float", 21.6],
      ],
    );
  });

  test("Artifact: describe_artifact with storage/path, Features (external) and Labels", async () => {
    const artifact = await new Artifact({
      key: "examples/dataset1.h5ad",
      suffix: ".h5ad",
      description: "mini immuno",
      size: 2048,
      hash: "abc123",
      n_observations: 3,
      run,
    }).save();
    const storage = await Storage.get(Number(artifact.storage_id));
    const knex = ctx.instance.knex;
    const experiment = await new Feature({ name: "experiment", dtype: "cat[ULabel]" }).save();
    const temp = await new Feature({ name: "temperature_c", dtype: "float" }).save();
    const day = await new Feature({ name: "date_of_study", dtype: "date" }).save();
    const exp1 = await new ULabel({ name: "Experiment 1" }).save();
    const free = await new ULabel({ name: "unannotated" }).save();
    const trashed = await new ULabel({ name: "trashed label" }).save();
    await knex("lamindb_ulabel").where({ id: trashed.id }).update({ branch_id: -1 });
    const project = await new Project({ name: "Immuno" }).save();
    await knex("lamindb_artifactulabel").insert([
      { artifact_id: artifact.id, ulabel_id: exp1.id, feature_id: experiment.id, created_by_id: userId },
      { artifact_id: artifact.id, ulabel_id: free.id, feature_id: null, created_by_id: userId },
      { artifact_id: artifact.id, ulabel_id: trashed.id, feature_id: experiment.id, created_by_id: userId },
    ]);
    await knex("lamindb_artifactproject").insert({
      artifact_id: artifact.id,
      project_id: project.id,
      created_by_id: userId,
    });
    const values = await knex("lamindb_jsonvalue")
      .insert([
        { feature_id: temp.id, value: JSON.stringify(21.6), hash: "h-temp", created_by_id: userId },
        { feature_id: day.id, value: JSON.stringify("2024-12-01"), hash: "h-day", created_by_id: userId },
      ])
      .returning("id");
    await knex("lamindb_artifactjsonvalue").insert(
      values.map((v: { id: number }) => ({
        artifact_id: artifact.id,
        jsonvalue_id: v.id,
        created_by_id: userId,
      })),
    );
    assert.equal(
      String(await artifact.describe()),
      [
        "Artifact: examples/dataset1.h5ad (0000)",
        "|   description: mini immuno",
        ...branch(
          columns([
            `uid: ${artifact.uid}`,
            "run: describer (registries.py)",
            "hash: abc123",
            "size: 2.0 KB",
            "branch: main",
            "space: all",
            `created_at: ${at(artifact.created_at)}`,
            "created_by: anonymous",
            "n_observations: 3",
          ]),
          false,
        ),
        // the key is virtual (the default), so storage/path is <root>/.lamindb/<uid><suffix>
        ...branch([`storage/path: ${storage.root}/.lamindb/${artifact.uid}.h5ad`], false),
        ...branch(
          [
            "Features",
            ...branch(
              [
                row("experiment", "ULabel", "Experiment 1"),
                row("date_of_study", "date", "2024-12-01"),
                row("temperature_c", "float", "21.6"),
              ],
              true,
            ),
          ],
          false,
        ),
        // describe_labels: every linked label, with or without a feature, not the trashed one
        ...branch(
          [
            "Labels",
            ...branch(
              [row(".ulabels", "ULabel", "Experiment 1, unannotated"), row(".projects", "Project", "Immuno")],
              true,
            ),
          ],
          true,
        ),
      ].join("\n"),
    );
  });

  test("other registries print describe_header alone: name field, else uid[:7]", async () => {
    const f = await new Feature({ name: "plain_feature", dtype: "int" }).save();
    assert.equal(String(await f.describe()), "Feature: plain_feature");
    // JsonValue._name_field is value: str() of the JSON value
    const jv = await new JsonValue({ feature: f, value: { k: [1, true] } }).save();
    assert.equal(String(await jv.describe()), "JsonValue: {'k': [1, True]}");
    const storage = await Storage.get(
      Number((await new Artifact({ key: "x/y.txt", suffix: ".txt" }).save()).storage_id),
    );
    assert.equal(String(await storage.describe()), `Storage: ${storage.root}`);
  });
});
