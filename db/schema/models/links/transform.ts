import { BigAutoField, DateTimeField, ForeignKey, JSONField, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Transform: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const TransformProjectSpec = model("TransformProject", {
  table: "lamindb_transformproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_transform" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    transform: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_project" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["transform", "project"]],
});

export const TransformRecordSpec = model("TransformRecord", {
  table: "lamindb_transformrecord",
  link: true,
  fields: {
    id: BigAutoField(),
    created_at: DateTimeField({ dbDefault: NOW }),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_transformrecord" }),
    record: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_transform" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    transform: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_record" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_transformrecord",
      columns: ["transform_id", "record_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_transformrecord_null_feature",
      columns: ["transform_id", "record_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const TransformReferenceSpec = model("TransformReference", {
  table: "lamindb_transformreference",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    reference: ForeignKey("Reference", { onDelete: "PROTECT", relatedName: "links_transform" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    transform: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_reference" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["transform", "reference"]],
});

export const TransformTransformSpec = model("TransformTransform", {
  table: "lamindb_transformtransform",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
    config: JSONField({ null: true }),
  },
  foreignKeys: {
    predecessor: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_successor" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    successor: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_predecessor" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["successor", "predecessor"]],
});

export const TransformULabelSpec = model("TransformULabel", {
  table: "lamindb_transformulabel",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    transform: ForeignKey("Transform", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_transform" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["transform", "ulabel"]],
});

export const transformLinks: ModelSpec[] = [
  TransformProjectSpec,
  TransformRecordSpec,
  TransformReferenceSpec,
  TransformTransformSpec,
  TransformULabelSpec,
];
