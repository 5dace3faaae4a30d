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

/** `true` when the options say `null: true`: the declarations keep it, so record types can say `| null`. */
type NullOf<O> = O extends { null: true } ? true : false;

/** A field as declared; its type and nullability stay literal types (record-types.ts reads them). */
export type FieldDecl<T extends FieldType = FieldType, N extends boolean = boolean> = Omit<
  FieldSpec,
  "name" | "column" | "type" | "null"
> & { type: T; null: N; column?: string };

function decl<T extends FieldType, const O extends FieldOptions = Record<never, never>>(
  type: T,
  options?: O,
  maxLength?: number,
): FieldDecl<T, NullOf<O>> {
  const o: FieldOptions = options ?? {};
  return {
    type,
    ...(maxLength !== undefined ? { maxLength } : {}),
    null: (o.null ?? false) as NullOf<O>,
    primary: false,
    unique: o.unique ?? false,
    index: o.index ?? false,
    ...(o.dbDefault ? { dbDefault: o.dbDefault } : {}),
    ...(o.column ? { column: o.column } : {}),
  };
}

const pk = <T extends FieldType>(type: T) => ({ ...decl(type), primary: true as const });
export const AutoField = () => pk("auto");
export const BigAutoField = () => pk("bigauto");
export const SmallAutoField = () => pk("smallauto");
export const CharField = <const O extends FieldOptions>(maxLength: number, o?: O) =>
  decl("char", o, maxLength);
export const TextField = <const O extends FieldOptions>(o?: O) => decl("text", o);
export const BooleanField = <const O extends FieldOptions>(o?: O) => decl("bool", o);
export const DateTimeField = <const O extends FieldOptions>(o?: O) => decl("datetime", o);
export const DateField = <const O extends FieldOptions>(o?: O) => decl("date", o);
export const JSONField = <const O extends FieldOptions>(o?: O) => decl("json", o);
export const SmallIntegerField = <const O extends FieldOptions>(o?: O) => decl("smallint", o);
export const IntegerField = <const O extends FieldOptions>(o?: O) => decl("int", o);
export const BigIntegerField = <const O extends FieldOptions>(o?: O) => decl("bigint", o);

export const NOW: DbDefault = { now: true };
export const dbValue = (value: string | number | boolean | null): DbDefault => ({ value });

type ForeignKeyOptions = {
  onDelete: OnDelete;
  null?: boolean;
  relatedName?: string | null;
  dbDefault?: number;
  unique?: boolean;
};
type RelatedNameOf<O> = O extends { relatedName: infer R extends string } ? R : null;
type UniqueOf<O> = O extends { unique: true } ? true : false;

/** A foreign key as declared; target, nullability, reverse name and uniqueness stay literal types. */
export type ForeignKeyDecl<
  T extends string = string,
  N extends boolean = boolean,
  R extends string | null = string | null,
  U extends boolean = boolean,
> = Omit<ForeignKeySpec, "name" | "column" | "target" | "null" | "relatedName" | "unique"> & {
  target: T;
  null: N;
  relatedName: R;
  unique: U;
};
export function ForeignKey<const T extends string, const O extends ForeignKeyOptions>(
  target: T,
  options: O,
): ForeignKeyDecl<T, NullOf<O>, RelatedNameOf<O>, UniqueOf<O>> {
  return {
    target,
    onDelete: options.onDelete,
    null: (options.null ?? false) as NullOf<O>,
    relatedName: (options.relatedName ?? null) as RelatedNameOf<O>,
    unique: (options.unique ?? false) as UniqueOf<O>,
    ...(options.dbDefault !== undefined ? { dbDefault: options.dbDefault } : {}),
  };
}

export type ManyToManyDecl<T extends string = string, R extends string | null = string | null> = Omit<
  ManyToManySpec,
  "name" | "target" | "relatedName"
> & { target: T; relatedName: R };
export function ManyToManyField<
  const T extends string,
  const O extends { through: string; sourceField: string; targetField: string; relatedName: string | null },
>(target: T, options: O): ManyToManyDecl<T, O["relatedName"]> {
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

declare const DECLARATION: unique symbol;

/** A model's spec that remembers its declaration as a type, so record types derive from it. */
export type Model<N extends string = string, D extends ModelDecl = ModelDecl> = ModelSpec & {
  readonly name: N;
  readonly [DECLARATION]?: D;
};

export function model<const N extends string, D extends ModelDecl>(name: N, d: D): Model<N, D> {
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
export const tracksRunForeignKeys = <
  const C extends string | null = null,
  const R extends string | null = null,
>(
  createdByRelated: C = null as C,
  runRelated: R = null as R,
) => ({
  run: ForeignKey("Run", { onDelete: "PROTECT", null: true, relatedName: runRelated }),
  created_by: ForeignKey("User", { onDelete: "PROTECT", relatedName: createdByRelated }),
});
