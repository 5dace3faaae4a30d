import { AutoField, CharField, ManyToManyField, createdAt, model, updatedAt } from "../fields";

// lamindb_user: not an SQLRecord (no branch, space or lock columns).
export const UserSpec = model("User", {
  table: "lamindb_user",
  uid: { length: 8 },
  nameField: "handle",
  fields: {
    id: AutoField(),
    uid: CharField(8, { unique: true, index: true }),
    handle: CharField(30, { unique: true, index: true }),
    name: CharField(150, { null: true, index: true }),
    ...createdAt(),
    ...updatedAt(),
  },
  manyToMany: {
    artifacts: ManyToManyField("Artifact", {
      through: "ArtifactUser",
      sourceField: "user",
      targetField: "artifact",
      relatedName: "users",
    }),
    linked_in_records: ManyToManyField("Record", {
      through: "RecordUser",
      sourceField: "value",
      targetField: "record",
      relatedName: "linked_users",
    }),
  },
});
