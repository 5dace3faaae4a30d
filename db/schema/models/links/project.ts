import { BigAutoField, CharField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Project: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const ProjectParentsSpec = model("ProjectParents", {
  table: "lamindb_project_parents",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    from_project: ForeignKey("Project", { onDelete: "CASCADE" }),
    to_project: ForeignKey("Project", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["from_project", "to_project"]],
});

export const ProjectPredecessorsSpec = model("ProjectPredecessors", {
  table: "lamindb_project_predecessors",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    from_project: ForeignKey("Project", { onDelete: "CASCADE" }),
    to_project: ForeignKey("Project", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["from_project", "to_project"]],
});

export const ProjectRecordSpec = model("ProjectRecord", {
  table: "lamindb_projectrecord",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    feature: ForeignKey("Feature", { onDelete: "PROTECT", null: true, relatedName: "links_projectrecord" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_record" }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "links_project" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_projectrecord",
      columns: ["project_id", "feature_id", "record_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_projectrecord_null_feature",
      columns: ["project_id", "record_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const ProjectReferencesSpec = model("ProjectReferences", {
  table: "lamindb_project_references",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "CASCADE" }),
    reference: ForeignKey("Reference", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["project", "reference"]],
});

export const ProjectUserSpec = model("ProjectUser", {
  table: "lamindb_projectuser",
  link: true,
  fields: {
    id: BigAutoField(),
    role: CharField(32, { index: true }),
  },
  foreignKeys: {
    project: ForeignKey("Project", { onDelete: "CASCADE", relatedName: "links_user" }),
    user: ForeignKey("User", { onDelete: "PROTECT", relatedName: "links_project" }),
  },
  uniqueTogether: [["project", "user", "role"]],
});

export const projectLinks: ModelSpec[] = [
  ProjectParentsSpec,
  ProjectPredecessorsSpec,
  ProjectRecordSpec,
  ProjectReferencesSpec,
  ProjectUserSpec,
];
