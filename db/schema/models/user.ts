import { AutoField, CharField, createdAt, model, updatedAt } from "../fields";

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
});
