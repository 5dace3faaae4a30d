import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Block: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const BlockProjectSpec = model("BlockProject", {
  table: "lamindb_blockproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    block: ForeignKey("Block", { onDelete: "CASCADE", relatedName: "links_project" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_block" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["block", "project"]],
});

export const blockLinks: ModelSpec[] = [BlockProjectSpec];
