import { BigAutoField, CharField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Schema: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const SchemaComponentSpec = model("SchemaComponent", {
  table: "lamindb_schemacomponent",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
    slot: CharField(255, { null: true }),
  },
  foreignKeys: {
    component: ForeignKey("Schema", { onDelete: "PROTECT", relatedName: "links_composite" }),
    composite: ForeignKey("Schema", { onDelete: "CASCADE", relatedName: "links_component" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [
    ["composite", "slot"],
    ["composite", "slot", "component"],
  ],
});

export const SchemaFeatureSpec = model("SchemaFeature", {
  table: "lamindb_schemafeature",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", relatedName: "links_schema" }),
    schema: ForeignKey("Schema", { onDelete: "CASCADE", relatedName: "links_feature" }),
  },
  uniqueTogether: [["schema", "feature"]],
});

export const SchemaProjectSpec = model("SchemaProject", {
  table: "lamindb_schemaproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_schema" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    schema: ForeignKey("Schema", { onDelete: "CASCADE", relatedName: "links_project" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["schema", "project"]],
});

export const schemaLinks: ModelSpec[] = [SchemaComponentSpec, SchemaFeatureSpec, SchemaProjectSpec];
