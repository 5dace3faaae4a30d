import {
  AutoField,
  BooleanField,
  CharField,
  ForeignKey,
  IntegerField,
  JSONField,
  ManyToManyField,
  TextField,
  createdAt,
  dbValue,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  updatedAt,
} from "../fields";
import { nameSearchIndexes } from "./name-indexes";

export const RecordSpec = model("Record", {
  table: "lamindb_record",
  uid: { length: 16 },
  nameField: "name",
  fields: {
    is_type: BooleanField({ index: true, dbDefault: dbValue(false) }),
    ...sqlRecordFields(),
    ...createdAt(),
    ...updatedAt(),
    id: AutoField(),
    uid: CharField(16, { unique: true, index: true }),
    name: CharField(150, { null: true, index: true }),
    description: TextField({ null: true }),
    reference: CharField(255, { null: true, index: true }),
    reference_type: CharField(25, { null: true, index: true }),
    extra_data: JSONField({ null: true }),
    schema_id: IntegerField({ null: true, index: true }),
  },
  foreignKeys: {
    ...sqlRecordForeignKeys(),
    type: ForeignKey("Record", { onDelete: "PROTECT", null: true, relatedName: "records" }),
    run: ForeignKey("Run", { onDelete: "PROTECT", null: true, relatedName: "output_records" }),
    created_by: ForeignKey("User", { onDelete: "PROTECT" }),
  },
  manyToMany: {
    input_of_runs: ManyToManyField("Run", {
      through: "RecordInputOfRuns",
      sourceField: "record",
      targetField: "run",
      relatedName: "input_records",
    }),
    runs: ManyToManyField("Run", {
      through: "RunRecord",
      sourceField: "record",
      targetField: "run",
      relatedName: "records",
    }),
  },
  expressionIndexes: nameSearchIndexes("lamindb_record"),
});
