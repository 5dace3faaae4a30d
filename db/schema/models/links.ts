import { BigAutoField, ForeignKey, createdAt, model } from "../fields";
import type { ModelSpec } from "../fields";

// Link tables. Auto many-to-many tables (Django's `lamindb_<model>_<field>`) have only
// (id, a_id, b_id) with both sides CASCADE; `through` models add created_at and created_by.
const autoLink = (name: string, table: string, a: string, aTarget: string, b: string, bTarget: string) =>
  model(name, {
    table,
    link: true,
    fields: { id: BigAutoField() },
    foreignKeys: {
      [a]: ForeignKey(aTarget, { onDelete: "CASCADE" }),
      [b]: ForeignKey(bTarget, { onDelete: "CASCADE" }),
    },
    uniqueTogether: [[a, b]],
  });

export const ArtifactInputOfRunsSpec = autoLink(
  "ArtifactInputOfRuns",
  "lamindb_artifact_input_of_runs",
  "artifact",
  "Artifact",
  "run",
  "Run",
);
export const ArtifactRecreatingRunsSpec = autoLink(
  "ArtifactRecreatingRuns",
  "lamindb_artifact_recreating_runs",
  "artifact",
  "Artifact",
  "run",
  "Run",
);
export const CollectionInputOfRunsSpec = autoLink(
  "CollectionInputOfRuns",
  "lamindb_collection_input_of_runs",
  "collection",
  "Collection",
  "run",
  "Run",
);
export const CollectionRecreatingRunsSpec = autoLink(
  "CollectionRecreatingRuns",
  "lamindb_collection_recreating_runs",
  "collection",
  "Collection",
  "run",
  "Run",
);
export const RecordInputOfRunsSpec = autoLink(
  "RecordInputOfRuns",
  "lamindb_record_input_of_runs",
  "record",
  "Record",
  "run",
  "Run",
);

const createdBy = () => ({ created_by: ForeignKey("User", { onDelete: "PROTECT" }) });

export const RunULabelSpec = model("RunULabel", {
  table: "lamindb_runulabel",
  link: true,
  fields: { id: BigAutoField(), ...createdAt() },
  foreignKeys: {
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_run" }),
    ...createdBy(),
  },
  uniqueTogether: [["run", "ulabel"]],
});

export const RunProjectSpec = model("RunProject", {
  table: "lamindb_runproject",
  link: true,
  fields: { id: BigAutoField(), ...createdAt() },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_project" }),
    ...createdBy(),
  },
  uniqueTogether: [["run", "project"]],
});

export const RunJsonValueSpec = model("RunJsonValue", {
  table: "lamindb_runjsonvalue",
  link: true,
  fields: { id: BigAutoField(), ...createdAt() },
  foreignKeys: {
    jsonvalue: ForeignKey("JsonValue", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_jsonvalue" }),
    ...createdBy(),
  },
  uniqueTogether: [["run", "jsonvalue"]],
});

export const RunRecordSpec = model("RunRecord", {
  table: "lamindb_runrecord",
  link: true,
  fields: { id: BigAutoField(), ...createdAt() },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_runrecord" }),
    record: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_record" }),
    ...createdBy(),
  },
  partialUniques: [
    {
      name: "unique_runrecord",
      columns: ["run_id", "record_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    { name: "unique_runrecord_null_feature", columns: ["run_id", "record_id"], where: "feature_id IS NULL" },
  ],
});

export const linkSpecs: ModelSpec[] = [
  ArtifactInputOfRunsSpec,
  ArtifactRecreatingRunsSpec,
  CollectionInputOfRunsSpec,
  CollectionRecreatingRunsSpec,
  RecordInputOfRunsSpec,
  RunULabelSpec,
  RunProjectSpec,
  RunJsonValueSpec,
  RunRecordSpec,
];
