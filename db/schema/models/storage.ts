import {
  AutoField,
  CharField,
  TextField,
  createdAt,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  tracksRunForeignKeys,
  updatedAt,
} from "../fields";

export const StorageSpec = model("Storage", {
  table: "lamindb_storage",
  uid: { length: 12 },
  nameField: "root",
  fields: {
    ...sqlRecordFields(),
    ...createdAt(),
    ...updatedAt(),
    id: AutoField(),
    uid: CharField(12, { unique: true, index: true }),
    root: CharField(255, { unique: true, index: true }),
    description: TextField({ null: true }),
    type: CharField(30, { index: true }),
    region: CharField(64, { null: true, index: true }),
    instance_uid: CharField(12, { null: true, index: true }),
  },
  foreignKeys: { ...sqlRecordForeignKeys(), ...tracksRunForeignKeys() },
});
