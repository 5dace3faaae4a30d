import {
  AutoField,
  CharField,
  ForeignKey,
  JSONField,
  SmallIntegerField,
  TextField,
  createdAt,
  dbValue,
  ManyToManyField,
  model,
} from "../fields";

// Built-in rows: -1 trash, 0 archive, 1 main (seeded by the first migration).
export const BranchSpec = model("Branch", {
  table: "lamindb_branch",
  uid: { length: 12 },
  nameField: "name",
  fields: {
    id: AutoField(),
    name: CharField(100, { index: true }),
    uid: CharField(12, { unique: true, index: true }),
    description: TextField({ null: true }),
    ...createdAt(),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    space: ForeignKey("Space", { onDelete: "PROTECT", dbDefault: 1 }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  manyToMany: {
    projects: ManyToManyField("Project", {
      through: "BranchProject",
      sourceField: "branch",
      targetField: "project",
      relatedName: "branches",
    }),
    ulabels: ManyToManyField("ULabel", {
      through: "BranchULabel",
      sourceField: "branch",
      targetField: "ulabel",
      relatedName: "branches",
    }),
    users: ManyToManyField("User", {
      through: "BranchUser",
      sourceField: "branch",
      targetField: "user",
      relatedName: "branches",
    }),
  },
  expressionIndexes: [{ name: "unique_branch_name_lower", unique: true, expression: "lower(name)" }],
});
