import {
  AutoField,
  BooleanField,
  CharField,
  DateField,
  ForeignKey,
  ManyToManyField,
  SmallIntegerField,
  TextField,
  createdAt,
  dbValue,
  model,
  sqlRecordFields,
  sqlRecordForeignKeys,
  tracksRunForeignKeys,
  updatedAt,
} from "../fields";
import { nameSearchIndexes } from "./name-indexes";

export const ProjectSpec = model("Project", {
  table: "lamindb_project",
  uid: { length: 12 },
  nameField: "name",
  fields: {
    is_type: BooleanField({ index: true, dbDefault: dbValue(false) }),
    ...sqlRecordFields(),
    ...createdAt(),
    ...updatedAt(),
    id: AutoField(),
    uid: CharField(12, { unique: true, index: true }),
    name: CharField(255, { index: true }),
    description: TextField({ null: true }),
    abbr: CharField(32, { null: true, index: true }),
    url: CharField(255, { null: true }),
    start_date: DateField({ null: true }),
    end_date: DateField({ null: true }),
    _status_code: SmallIntegerField({ index: true, dbDefault: dbValue(0) }),
  },
  foreignKeys: {
    ...sqlRecordForeignKeys(),
    type: ForeignKey("Project", { onDelete: "PROTECT", null: true, relatedName: "projects" }),
    ...tracksRunForeignKeys(),
  },
  manyToMany: {
    runs: ManyToManyField("Run", {
      through: "RunProject",
      sourceField: "project",
      targetField: "run",
      relatedName: "projects",
    }),
  },
  expressionIndexes: nameSearchIndexes("lamindb_project"),
});
