import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with ULabel: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const ULabelParentsSpec = model("ULabelParents", {
  table: "lamindb_ulabel_parents",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    from_ulabel: ForeignKey("ULabel", { onDelete: "CASCADE" }),
    to_ulabel: ForeignKey("ULabel", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["from_ulabel", "to_ulabel"]],
});

export const ULabelProjectSpec = model("ULabelProject", {
  table: "lamindb_ulabelproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_ulabel" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    ulabel: ForeignKey("ULabel", { onDelete: "CASCADE", relatedName: "links_project" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["ulabel", "project"]],
});

export const ulabelLinks: ModelSpec[] = [ULabelParentsSpec, ULabelProjectSpec];
