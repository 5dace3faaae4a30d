import { BigAutoField, DateTimeField, ForeignKey, model, NOW } from "../../fields";
import type { ModelSpec } from "../../fields";

// LaminDB's link tables whose model name starts with Collection: `through` models and Django's auto-created
// many-to-many tables (lamindb_<model>_<field>: id, both sides, unique pair).

export const CollectionActionsSpec = model("CollectionActions", {
  table: "lamindb_collection__actions",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE" }),
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["collection", "artifact"]],
});

export const CollectionArtifactSpec = model("CollectionArtifact", {
  table: "lamindb_collectionartifact",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "PROTECT", relatedName: "links_collection" }),
    collection: ForeignKey("Collection", { onDelete: "CASCADE", relatedName: "links_artifact" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["collection", "artifact"]],
});

export const CollectionInputOfRunsSpec = model("CollectionInputOfRuns", {
  table: "lamindb_collection_input_of_runs",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE" }),
    run: ForeignKey("Run", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["collection", "run"]],
});

export const CollectionProjectSpec = model("CollectionProject", {
  table: "lamindb_collectionproject",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE", relatedName: "links_project" }),
    project: ForeignKey("Project", { onDelete: "PROTECT", relatedName: "links_collection" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["collection", "project"]],
});

export const CollectionRecordSpec = model("CollectionRecord", {
  table: "lamindb_collectionrecord",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE", relatedName: "links_record" }),
    feature: ForeignKey("Feature", {
      onDelete: "PROTECT",
      null: true,
      relatedName: "links_collectionrecord",
    }),
    record: ForeignKey("Record", { onDelete: "PROTECT", relatedName: "links_collection" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  partialUniques: [
    {
      name: "unique_collectionrecord",
      columns: ["collection_id", "record_id", "feature_id"],
      where: "feature_id IS NOT NULL",
    },
    {
      name: "unique_collectionrecord_null_feature",
      columns: ["collection_id", "record_id"],
      where: "feature_id IS NULL",
    },
  ],
});

export const CollectionRecreatingRunsSpec = model("CollectionRecreatingRuns", {
  table: "lamindb_collection_recreating_runs",
  link: true,
  fields: {
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE" }),
    run: ForeignKey("Run", { onDelete: "CASCADE" }),
  },
  uniqueTogether: [["collection", "run"]],
});

export const CollectionReferenceSpec = model("CollectionReference", {
  table: "lamindb_collectionreference",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE", relatedName: "links_reference" }),
    reference: ForeignKey("Reference", { onDelete: "PROTECT", relatedName: "links_collection" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["collection", "reference"]],
});

export const CollectionULabelSpec = model("CollectionULabel", {
  table: "lamindb_collectionulabel",
  link: true,
  fields: {
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    id: BigAutoField(),
  },
  foreignKeys: {
    collection: ForeignKey("Collection", { onDelete: "CASCADE", relatedName: "links_ulabel" }),
    feature: ForeignKey("Feature", {
      onDelete: "PROTECT",
      null: true,
      relatedName: "links_collectionulabel",
    }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true }),
    ulabel: ForeignKey("ULabel", { onDelete: "PROTECT", relatedName: "links_collection" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  uniqueTogether: [["collection", "ulabel"]],
});

export const collectionLinks: ModelSpec[] = [
  CollectionActionsSpec,
  CollectionArtifactSpec,
  CollectionInputOfRunsSpec,
  CollectionProjectSpec,
  CollectionRecordSpec,
  CollectionRecreatingRunsSpec,
  CollectionReferenceSpec,
  CollectionULabelSpec,
];
