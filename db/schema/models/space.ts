import { CharField, ForeignKey, SmallAutoField, TextField, createdAt, model } from "../fields";

export const SpaceSpec = model("Space", {
  table: "lamindb_space",
  uid: { length: 12 },
  nameField: "name",
  fields: {
    id: SmallAutoField(),
    name: CharField(100, { index: true }),
    uid: CharField(12, { unique: true, index: true }),
    description: TextField({ null: true }),
    ...createdAt(),
  },
  foreignKeys: { created_by: ForeignKey("User", { onDelete: "CASCADE", null: true }) },
  expressionIndexes: [{ name: "unique_space_name_lower", unique: true, expression: "lower(name)" }],
});
