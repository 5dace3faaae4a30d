// A small declaration language for LaminDB's models, close to the Django field declarations in
// LaminDB's migrations so that each model file reads like its source. The migrations build tables
// from these declarations and the query layer checks every identifier against them.

export type FieldType =
  | "auto" // integer identity primary key
  | "bigauto" // bigint identity primary key
  | "smallauto" // smallint identity primary key
  | "char" // varchar(n)
  | "text"
  | "bool"
  | "datetime" // timestamptz
  | "date"
  | "json" // jsonb
  | "smallint"
  | "int"
  | "bigint";

/** A default the database applies (Django's db_default); `now` is STATEMENT_TIMESTAMP(). */
export type DbDefault = { now: true } | { value: string | number | boolean | null };

export interface FieldSpec {
  name: string;
  column: string;
  type: FieldType;
  maxLength?: number;
  null: boolean;
  primary: boolean;
  unique: boolean;
  index: boolean;
  dbDefault?: DbDefault;
}

/** Django's on_delete, applied by this library because the database declares none (as in LaminDB). */
export type OnDelete = "CASCADE" | "PROTECT" | "SET_NULL";

export interface ForeignKeySpec {
  name: string; // "transform"
  column: string; // "transform_id"
  target: string; // model name: "Transform"
  null: boolean;
  onDelete: OnDelete;
  relatedName: string | null; // reverse accessor on the target, null for Django's '+'
  dbDefault?: number;
  unique: boolean; // a one-to-one field
}

export interface ManyToManySpec {
  name: string; // "input_artifacts" seen from this model
  target: string;
  through: string; // link model name
  sourceField: string; // FK on the link model pointing to this model
  targetField: string; // FK on the link model pointing to the target
  relatedName: string | null;
}

export interface PartialUnique {
  name: string;
  columns: string[];
  where: string; // a fixed SQL predicate written in this repository, never user input
}

/** An index on an expression or with an operator class (trigram, prefix, lower(name) unique). */
export interface ExpressionIndex {
  name: string;
  expression: string; // fixed SQL written in this repository, never user input
  unique?: boolean;
  using?: "gin" | "btree";
}

export interface ModelSpec {
  name: string;
  table: string;
  fields: FieldSpec[];
  foreignKeys: ForeignKeySpec[];
  manyToMany: ManyToManySpec[];
  uniqueTogether: string[][];
  partialUniques: PartialUnique[];
  checks: Array<{ name: string; sql: string }>;
  expressionIndexes: ExpressionIndex[];
  /** uid generation: total length, and the stem length for versioned registries. */
  uid?: { length: number; stemLength?: number };
  versioned: boolean;
  /** A link table (auto many-to-many or `through` model): no registry class of its own. */
  link: boolean;
  /** The field lookup() and search() use first, as LaminDB's _name_field. */
  nameField?: string;
}

type FieldOptions = {
  null?: boolean;
  unique?: boolean;
  index?: boolean;
  dbDefault?: DbDefault;
  column?: string;
};

export type FieldDecl = Omit<FieldSpec, "name" | "column"> & { column?: string };

function decl(type: FieldType, options: FieldOptions = {}, maxLength?: number): FieldDecl {
  return {
    type,
    ...(maxLength !== undefined ? { maxLength } : {}),
    null: options.null ?? false,
    primary: false,
    unique: options.unique ?? false,
    index: options.index ?? false,
    ...(options.dbDefault ? { dbDefault: options.dbDefault } : {}),
    ...(options.column ? { column: options.column } : {}),
  };
}

const pk = (type: FieldType): FieldDecl => ({ ...decl(type), primary: true });
export const AutoField = () => pk("auto");
export const BigAutoField = () => pk("bigauto");
export const SmallAutoField = () => pk("smallauto");
export const CharField = (maxLength: number, o?: FieldOptions) => decl("char", o, maxLength);
export const TextField = (o?: FieldOptions) => decl("text", o);
export const BooleanField = (o?: FieldOptions) => decl("bool", o);
export const DateTimeField = (o?: FieldOptions) => decl("datetime", o);
export const DateField = (o?: FieldOptions) => decl("date", o);
export const JSONField = (o?: FieldOptions) => decl("json", o);
export const SmallIntegerField = (o?: FieldOptions) => decl("smallint", o);
export const IntegerField = (o?: FieldOptions) => decl("int", o);
export const BigIntegerField = (o?: FieldOptions) => decl("bigint", o);

export const NOW: DbDefault = { now: true };
export const dbValue = (value: string | number | boolean | null): DbDefault => ({ value });

export type ForeignKeyDecl = Omit<ForeignKeySpec, "name" | "column">;
export function ForeignKey(
  target: string,
  options: {
    onDelete: OnDelete;
    null?: boolean;
    relatedName?: string | null;
    dbDefault?: number;
    unique?: boolean;
  },
): ForeignKeyDecl {
  return {
    target,
    onDelete: options.onDelete,
    null: options.null ?? false,
    relatedName: options.relatedName ?? null,
    unique: options.unique ?? false,
    ...(options.dbDefault !== undefined ? { dbDefault: options.dbDefault } : {}),
  };
}

export type ManyToManyDecl = Omit<ManyToManySpec, "name">;
export function ManyToManyField(
  target: string,
  options: { through: string; sourceField: string; targetField: string; relatedName: string | null },
): ManyToManyDecl {
  return { target, ...options };
}

export interface ModelDecl {
  table: string;
  fields: Record<string, FieldDecl>;
  foreignKeys?: Record<string, ForeignKeyDecl>;
  manyToMany?: Record<string, ManyToManyDecl>;
  uniqueTogether?: string[][];
  partialUniques?: PartialUnique[];
  checks?: Array<{ name: string; sql: string }>;
  expressionIndexes?: ExpressionIndex[];
  uid?: { length: number; stemLength?: number };
  versioned?: boolean;
  link?: boolean;
  nameField?: string;
}

export function model(name: string, d: ModelDecl): ModelSpec {
  return {
    name,
    table: d.table,
    fields: Object.entries(d.fields).map(([field, f]) => ({ ...f, name: field, column: f.column ?? field })),
    foreignKeys: Object.entries(d.foreignKeys ?? {}).map(([fk, f]) => ({
      ...f,
      name: fk,
      column: `${fk}_id`,
    })),
    manyToMany: Object.entries(d.manyToMany ?? {}).map(([m, f]) => ({ ...f, name: m })),
    uniqueTogether: d.uniqueTogether ?? [],
    partialUniques: d.partialUniques ?? [],
    checks: d.checks ?? [],
    expressionIndexes: d.expressionIndexes ?? [],
    ...(d.uid ? { uid: d.uid } : {}),
    versioned: d.versioned ?? false,
    link: d.link ?? false,
    ...(d.nameField ? { nameField: d.nameField } : {}),
  };
}

// Mixins, as in LaminDB's models/sqlrecord.py and models/run.py.
export const sqlRecordFields = () => ({
  is_locked: BooleanField({ dbDefault: dbValue(false) }),
  _aux: JSONField({ null: true, dbDefault: dbValue(null) }),
});
export const sqlRecordForeignKeys = () => ({
  branch: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
  created_on: ForeignKey("Branch", { onDelete: "PROTECT", dbDefault: 1 }),
  space: ForeignKey("Space", { onDelete: "PROTECT", dbDefault: 1 }),
});
export const createdAt = () => ({ created_at: DateTimeField({ index: true, dbDefault: NOW }) });
export const updatedAt = () => ({ updated_at: DateTimeField({ index: true, dbDefault: NOW }) });
export const versionFields = () => ({
  version_tag: CharField(30, { null: true, index: true }),
  is_latest: BooleanField({ index: true }),
});
/** TracksRun's foreign keys; created_by's reverse name differs per model. */
export const tracksRunForeignKeys = (
  createdByRelated: string | null = null,
  runRelated: string | null = null,
) => ({
  run: ForeignKey("Run", { onDelete: "PROTECT", null: true, relatedName: runRelated }),
  created_by: ForeignKey("User", { onDelete: "PROTECT", relatedName: createdByRelated }),
});
