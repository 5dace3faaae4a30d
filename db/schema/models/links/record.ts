import { BigAutoField, dbValue, ForeignKey, JSONField, model } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Record: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const RecordArtifactSpec = model("RecordArtifact", {
  table: "lamindb_recordartifact",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordartifact" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_artifact" }),
    value: ForeignKey("Artifact", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordCollectionSpec = model("RecordCollection", {
  table: "lamindb_recordcollection",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordcollection" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_collection" }),
    value: ForeignKey("Collection", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordInputOfRunsSpec = model("RecordInputOfRuns", {
  table: "lamindb_record_input_of_runs",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    record: ForeignKey("Record", { onDelete: "CASCADE" }),
    run: ForeignKey("Run", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["record", "run"]],
});

export const RecordJsonSpec = model("RecordJson", {
  table: "lamindb_recordjson",
  link: true,
  fields: {
    id: BigAutoField(),
    value: JSONField({ dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordjson" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_json" }),
  },
  uniqueTogether: [["record", "feature"]],
});

export const RecordParentsSpec = model("RecordParents", {
  table: "lamindb_record_parents",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    from_record: ForeignKey("Record", { onDelete: "CASCADE" }),
    to_record: ForeignKey("Record", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["from_record", "to_record"]],
});

export const RecordProjectSpec = model("RecordProject", {
  table: "lamindb_recordproject",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordproject" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_project" }),
    value: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordRecordSpec = model("RecordRecord", {
  table: "lamindb_recordrecord",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordrecord" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_record" }),
    value: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordReferenceSpec = model("RecordReference", {
  table: "lamindb_recordreference",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordreference" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_reference" }),
    value: ForeignKey("Reference", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordRunSpec = model("RecordRun", {
  table: "lamindb_recordrun",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordrun" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_run" }),
    value: ForeignKey("Run", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordTransformSpec = model("RecordTransform", {
  table: "lamindb_recordtransform",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordtransform" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_transform" }),
    value: ForeignKey("Transform", { onDelete: "PROTECT", relatedName: "links_in_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordULabelSpec = model("RecordULabel", {
  table: "lamindb_recordulabel",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recordulabel" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_ulabel" }),
    value: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const RecordUserSpec = model("RecordUser", {
  table: "lamindb_recorduser",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_recorduser" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "values_user" }),
    value: ForeignKey("User", { onDelete: "PROTECT", relatedName: "links_record" }),
  },
  uniqueTogether: [["record", "feature", "value"]],
});

export const recordLinks: ModelSpec[] = [
  RecordArtifactSpec,
  RecordCollectionSpec,
  RecordInputOfRunsSpec,
  RecordJsonSpec,
  RecordParentsSpec,
  RecordProjectSpec,
  RecordRecordSpec,
  RecordReferenceSpec,
  RecordRunSpec,
  RecordTransformSpec,
  RecordULabelSpec,
  RecordUserSpec,
];
