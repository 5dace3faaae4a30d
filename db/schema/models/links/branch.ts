import { BigAutoField, CharField, ForeignKey, model } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Branch: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const BranchProjectSpec = model("BranchProject", {
  table: "lamindb_branchproject",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "CASCADE", relatedName: "links_project" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_branch" }),
  },
  uniqueTogether: [["branch", "project"]],
});

export const BranchULabelSpec = model("BranchULabel", {
  table: "lamindb_branchulabel",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_branch" }),
  },
  uniqueTogether: [["branch", "ulabel"]],
});

export const BranchUserSpec = model("BranchUser", {
  table: "lamindb_branchuser",
  link: true,
  fields: {
    id: BigAutoField(),
    role: CharField(32, { index: true }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "CASCADE", relatedName: "links_user" }),
    user: ForeignKey("User", { onDelete: "PROTECT", relatedName: "links_branch" }),
  },
  uniqueTogether: [["branch", "user", "role"]],
});

export const branchLinks: ModelSpec[] = [BranchProjectSpec, BranchULabelSpec, BranchUserSpec];
