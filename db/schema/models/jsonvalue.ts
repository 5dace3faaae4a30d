import {
  BigAutoField,
  CharField,
  ForeignKey,
  JSONField,
  createdAt,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  tracksRunForeignKeys,
} from "../fields";

// A feature-indexed JSON value; UNIQUE(feature, hash) makes values shared between records.
export const JsonValueSpec = model("JsonValue", {
  table: "lamindb_jsonvalue",
  fields: {
    id: BigAutoField(),
    ...sqlRecordFields(),
    ...createdAt(),
    value: JSONField(),
    hash: CharField(22, { null: true, index: true }),
  },
  foreignKeys: {
    ...sqlRecordForeignKeys(),
    feature: ForeignKey("Feature", { onDelete: "CASCADE", null: true, relatedName: "values" }),
    ...tracksRunForeignKeys(),
  },
  uniqueTogether: [["feature", "hash"]],
});
