import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Feature: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const FeatureProjectSpec = model("FeatureProject", {
  table: "lamindb_featureproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "CASCADE", relatedName: "links_project" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_feature" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["feature", "project"]],
});

export const featureLinks: ModelSpec[] = [FeatureProjectSpec];
