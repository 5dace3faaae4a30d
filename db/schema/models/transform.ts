import {
  AutoField,
  CharField,
  ForeignKey,
  TextField,
  createdAt,
  ManyToManyField,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  tracksRunForeignKeys,
  updatedAt,
  versionFields,
} from "../fields";

// uid: 12-character stem + 4-character version suffix. UNIQUE(key, hash).
export const TransformSpec = model("Transform", {
  table: "lamindb_transform",
  uid: { length: 16, stemLength: 12 },
  versioned: true,
  nameField: "key",
  fields: {
    ...versionFields(),
    ...sqlRecordFields(),
    ...createdAt(),
    id: AutoField(),
    uid: CharField(16, { unique: true, index: true }),
    key: CharField(1024, { index: true }),
    description: TextField({ null: true, index: true }),
    kind: CharField(20, { index: true }),
    source_code: TextField({ null: true }),
    hash: CharField(22, { null: true, index: true }),
    reference: CharField(255, { null: true, index: true }),
    reference_type: CharField(25, { null: true, index: true }),
    ...updatedAt(),
  },
  foreignKeys: {
    ...sqlRecordForeignKeys(),
    environment: ForeignKey("Artifact", {
      onDelete: "CASCADE",
      null: true,
      relatedName: "_environment_of_transforms",
    }),
    plan: ForeignKey("Artifact", { onDelete: "CASCADE", null: true, relatedName: "_plan_for_transforms" }),
    ...tracksRunForeignKeys("created_transforms", "output_transforms"),
  },
  manyToMany: {
    linked_in_records: ManyToManyField("Record", {
      through: "RecordTransform",
      sourceField: "value",
      targetField: "record",
      relatedName: "linked_transforms",
    }),
    predecessors: ManyToManyField("Transform", {
      through: "TransformTransform",
      sourceField: "successor",
      targetField: "predecessor",
      relatedName: "successors",
    }),
    ulabels: ManyToManyField("ULabel", {
      through: "TransformULabel",
      sourceField: "transform",
      targetField: "ulabel",
      relatedName: "transforms",
    }),
  },
  uniqueTogether: [["key", "hash"]],
  expressionIndexes: [
    { name: "lamindb_transform_key_trgm", expression: "key gin_trgm_ops", using: "gin" },
    { name: "lamindb_transform_key_lower_prefix", expression: "lower(key) text_pattern_ops" },
  ],
});
