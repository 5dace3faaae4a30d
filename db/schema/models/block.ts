import {
  BigAutoField,
  BooleanField,
  CharField,
  DateTimeField,
  dbValue,
  ForeignKey,
  JSONField,
  model,
  NOW,
  SmallIntegerField,
  TextField,
} from "../fields";

// A standalone block (LaminDB's Block): versioned readme or markdown content under a key.
export const BlockSpec = model("Block", {
  table: "lamindb_block",
  uid: { length: 20, stemLength: 16 },
  versioned: true,
  nameField: "key",
  fields: {
    version_tag: CharField(30, { null: true, index: true }),
    is_latest: BooleanField({ index: true }),
    is_locked: BooleanField({ dbDefault: dbValue(false) }),
    id: BigAutoField(),
    uid: CharField(20, { unique: true, index: true }),
    content: TextField(),
    hash: CharField(22, { null: true, index: true }),
    kind: CharField(22, { index: true, dbDefault: dbValue("readme") }),
    created_at: DateTimeField({ index: true, dbDefault: NOW }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
    _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
    key: CharField(1024, { null: true, index: true }),
  },
  foreignKeys: {
    anchor: ForeignKey("Block", { onDelete: "PROTECT", null: true, relatedName: "children" }),
    branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
    space: ForeignKey("Space", { onDelete: "PROTECT", dbDefault: 1 }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
});
