import {
  AutoField,
  BooleanField,
  CharField,
  ForeignKey,
  TextField,
  createdAt,
  dbValue,
  ManyToManyField,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  tracksRunForeignKeys,
  updatedAt,
} from "../fields";
import { nameSearchIndexes } from "./name-indexes";

export const ULabelSpec = model("ULabel", {
  table: "lamindb_ulabel",
  uid: { length: 8 },
  nameField: "name",
  fields: {
    is_type: BooleanField({ index: true, dbDefault: dbValue(false) }),
    ...sqlRecordFields(),
    ...createdAt(),
    ...updatedAt(),
    id: AutoField(),
    uid: CharField(8, { unique: true, index: true }),
    name: CharField(150, { index: true }),
    description: TextField({ null: true }),
    reference: CharField(255, { null: true, index: true }),
    reference_type: CharField(25, { null: true, index: true }),
  },
  foreignKeys: {
    ...sqlRecordForeignKeys(),
    type: ForeignKey("ULabel", { onDelete: "PROTECT", null: true, relatedName: "ulabels" }),
    ...tracksRunForeignKeys(),
  },
  manyToMany: {
    artifacts: ManyToManyField("Artifact", {
      through: "ArtifactULabel",
      sourceField: "ulabel",
      targetField: "artifact",
      relatedName: "ulabels",
    }),
    linked_in_records: ManyToManyField("Record", {
      through: "RecordULabel",
      sourceField: "value",
      targetField: "record",
      relatedName: "linked_ulabels",
    }),
    parents: ManyToManyField("ULabel", {
      through: "ULabelParents",
      sourceField: "from_ulabel",
      targetField: "to_ulabel",
      relatedName: "children",
    }),
  },
  expressionIndexes: nameSearchIndexes("lamindb_ulabel"),
});
