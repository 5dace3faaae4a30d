import {
  BigAutoField,
  BooleanField,
  CharField,
  DateTimeField,
  dbValue,
  ForeignKey,
  IntegerField,
  JSONField,
  model,
  NOW,
  SmallIntegerField,
  TextField,
} from "../fields";

// The readme and comment blocks attached to each registry (LaminDB's BaseBlock): versioned, 16-character
// uid stem plus a 4-character version suffix. RunBlock has its own file (runblock.ts).

export const ArtifactBlockSpec = model("ArtifactBlock", {
  table: "lamindb_artifactblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    artifact: ForeignKey("Artifact", { onDelete: "CASCADE", relatedName: "ablocks" }),
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const BranchBlockSpec = model("BranchBlock", {
  table: "lamindb_branchblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const CollectionBlockSpec = model("CollectionBlock", {
  table: "lamindb_collectionblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    collection: ForeignKey("Collection", { onDelete: "CASCADE", null: true, relatedName: "ablocks" }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const FeatureBlockSpec = model("FeatureBlock", {
  table: "lamindb_featureblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    feature: ForeignKey("Feature", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const ProjectBlockSpec = model("ProjectBlock", {
  table: "lamindb_projectblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    project: ForeignKey("Project", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const RecordBlockSpec = model("RecordBlock", {
  table: "lamindb_recordblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    record: ForeignKey("Record", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const SchemaBlockSpec = model("SchemaBlock", {
  table: "lamindb_schemablock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    schema: ForeignKey("Schema", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const SpaceBlockSpec = model("SpaceBlock", {
  table: "lamindb_spaceblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    space: ForeignKey("Space", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const TransformBlockSpec = model("TransformBlock", {
  table: "lamindb_transformblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
    line_number: IntegerField({ null: true }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    transform: ForeignKey("Transform", { onDelete: "CASCADE", null: true, relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});

export const ULabelBlockSpec = model("ULabelBlock", {
  table: "lamindb_ulabelblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    ulabel: ForeignKey("ULabel", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});
