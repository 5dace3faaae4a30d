import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Run: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const RunArtifactSpec = model("RunArtifact", {
  table: "lamindb_runartifact",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "PROTECT", relatedName: "links_in_run" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_runartifact" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "values_artifact" }),
  },
  partialUniques: [
    {
      name: "unique_runartifact",
      columns: ["run_id", "artifact_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_runartifact_null_feature",
      columns: ["run_id", "artifact_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const RunJsonValueSpec = model("RunJsonValue", {
  table: "lamindb_runjsonvalue",
  link: true,
  fields: {
    id: BigAutoField(),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
  },
  foreignKeys: {
    jsonvalue: ForeignKey("JsonValue", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_jsonvalue" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["run", "jsonvalue"]],
});

export const RunProjectSpec = model("RunProject", {
  table: "lamindb_runproject",
  link: true,
  fields: {
    id: BigAutoField(),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_project" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["run", "project"]],
});

export const RunRecordSpec = model("RunRecord", {
  table: "lamindb_runrecord",
  link: true,
  fields: {
    id: BigAutoField(),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_runrecord" }),
    record: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_run" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_record" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
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

export const RunULabelSpec = model("RunULabel", {
  table: "lamindb_runulabel",
  link: true,
  fields: {
    id: BigAutoField(),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
  },
  foreignKeys: {
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_run" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["run", "ulabel"]],
});

export const runLinks: ModelSpec[] = [
  RunArtifactSpec,
  RunJsonValueSpec,
  RunProjectSpec,
  RunRecordSpec,
  RunULabelSpec,
];
