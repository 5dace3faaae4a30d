import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Reference: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const ReferenceRecordSpec = model("ReferenceRecord", {
  table: "lamindb_referencerecord",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_referencerecord" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "links_reference" }),
    reference: ForeignKey("Reference", { onDelete: "PROTECT", relatedName: "links_record" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_referencerecord",
      columns: ["reference_id", "feature_id", "record_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_referencerecord_null_feature",
      columns: ["reference_id", "record_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const referenceLinks: ModelSpec[] = [ReferenceRecordSpec];
