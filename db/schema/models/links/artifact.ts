import { BigAutoField, BooleanField, CharField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Artifact: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const ArtifactActionsSpec = model("ArtifactActions", {
  table: "lamindb_artifact__actions",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    from_artifact: ForeignKey("Artifact", { onDelete: "CASCADE" }),
    to_artifact: ForeignKey("Artifact", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["from_artifact", "to_artifact"]],
});

export const ArtifactArtifactSpec = model("ArtifactArtifact", {
  table: "lamindb_artifactartifact",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_artifact" }),
    value: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_value" }),
    feature: ForeignKey("Feature", {
      onDelete: "PROTECT",
      null: true,
      relatedName: "links_artifactartifact",
    }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactartifact",
      columns: ["artifact_id", "value_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactartifact_null_feature",
      columns: ["artifact_id", "value_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactInputOfRunsSpec = model("ArtifactInputOfRuns", {
  table: "lamindb_artifact_input_of_runs",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE" }),
    run: ForeignKey("Run", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["artifact", "run"]],
});

export const ArtifactJsonValueSpec = model("ArtifactJsonValue", {
  table: "lamindb_artifactjsonvalue",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_jsonvalue" }),
    jsonvalue: ForeignKey("JsonValue", { onDelete: "PROTECT", relatedName: "links_artifact" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["artifact", "jsonvalue"]],
});

export const ArtifactProjectSpec = model("ArtifactProject", {
  table: "lamindb_artifactproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_project" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_artifactproject" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_artifact" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactproject",
      columns: ["artifact_id", "project_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactproject_null_feature",
      columns: ["artifact_id", "project_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactRecordSpec = model("ArtifactRecord", {
  table: "lamindb_artifactrecord",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_record" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_artifactrecord" }),
    record: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_artifact" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactrecord",
      columns: ["artifact_id", "record_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactrecord_null_feature",
      columns: ["artifact_id", "record_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactRecreatingRunsSpec = model("ArtifactRecreatingRuns", {
  table: "lamindb_artifact_recreating_runs",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE" }),
    run: ForeignKey("Run", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["artifact", "run"]],
});

export const ArtifactReferenceSpec = model("ArtifactReference", {
  table: "lamindb_artifactreference",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_reference" }),
    feature: ForeignKey("Feature", {
      onDelete: "PROTECT",
      null: true,
      relatedName: "links_artifactreference",
    }),
    reference: ForeignKey("Reference", { onDelete: "PROTECT", relatedName: "links_artifact" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactreference",
      columns: ["artifact_id", "reference_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactreference_null_feature",
      columns: ["artifact_id", "reference_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactRunSpec = model("ArtifactRun", {
  table: "lamindb_artifactrun",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_run" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_artifactrun" }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "links_artifact" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactrun",
      columns: ["artifact_id", "run_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactrun_null_feature",
      columns: ["artifact_id", "run_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactSchemaSpec = model("ArtifactSchema", {
  table: "lamindb_artifactschema",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
    slot: CharField(255, { null: true }),
    feature_ref_is_semantic: BooleanField({ null: true }),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "_links_schema" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    schema: ForeignKey("Schema", { onDelete: "PROTECT", relatedName: "_links_artifact" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [
    ["artifact", "slot"],
    ["artifact", "slot", "schema"],
  ],
});

export const ArtifactULabelSpec = model("ArtifactULabel", {
  table: "lamindb_artifactulabel",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_artifactulabel" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_artifact" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_artifactulabel",
      columns: ["artifact_id", "ulabel_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactulabel_null_feature",
      columns: ["artifact_id", "ulabel_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ArtifactUserSpec = model("ArtifactUser", {
  table: "lamindb_artifactuser",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "links_user" }),
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_artifactuser" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
    user: ForeignKey("User", { onDelete: "PROTECT", relatedName: "links_artifact" }),
  },
  partialUniques: [
    {
      name: "unique_artifactuser",
      columns: ["artifact_id", "user_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_artifactuser_null_feature",
      columns: ["artifact_id", "user_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const artifactLinks: ModelSpec[] = [
  ArtifactActionsSpec,
  ArtifactArtifactSpec,
  ArtifactInputOfRunsSpec,
  ArtifactJsonValueSpec,
  ArtifactProjectSpec,
  ArtifactRecordSpec,
  ArtifactRecreatingRunsSpec,
  ArtifactReferenceSpec,
  ArtifactRunSpec,
  ArtifactSchemaSpec,
  ArtifactULabelSpec,
  ArtifactUserSpec,
];
