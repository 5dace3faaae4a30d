import {
  BigAutoField,
  CharField,
  ForeignKey,
  JSONField,
  SmallIntegerField,
  TextField,
  createdAt,
  dbValue,
  model,
  versionFields,
} from "../fields";

// A block attached to a run (readme or comment): no space or lock columns, CASCADE with its run.
export const RunBlockSpec = model("RunBlock", {
  table: "lamindb_runblock",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  fields: {
    ...versionFields(),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    ...createdAt(),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
  },
  foreignKeys: {
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    run: ForeignKey("Run", { onDelete: "CASCADE", relatedName: "ablocks" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});
