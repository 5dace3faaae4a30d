// Record types derived from the model declarations (schema/models/*), as Drizzle infers a row's type
// from its table: a registry class states `interface Run extends RecordOf<typeof RunSpec> {}` and has
// every field (snake_case, `| null` where the column allows it), every <fk>_id column, and every
// relation accessor the catalog defines at run time (relationsOf() in catalog.ts, defineRegistry() in
// records/sqlrecord.ts): to-one relations as Promise<record>, to-many ones as QuerySet<record>.
import type { QuerySet } from "../query/queryset";
import type { registrySpecs } from "./catalog";
import type { FieldDecl, FieldType, ForeignKeyDecl, ManyToManyDecl, Model, ModelDecl } from "./fields";

/**
 * The record class of each registry, by model name. Each registry module adds its own:
 * `declare module "../schema/record-types" { interface Registries { Run: Run } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Registries {}

/** The record type of a model name (a registry without a class yet reads as its fields). */
type RecordNamed<N> = N extends keyof Registries ? Registries[N] : object;

type ValueType<T extends FieldType> = T extends "char" | "text" | "date"
  ? string // a date is "YYYY-MM-DD"
  : T extends "bool"
    ? boolean
    : T extends "datetime"
      ? Date
      : T extends "json"
        ? unknown
        : number;

type Value<F> =
  F extends FieldDecl<infer T, infer N> ? (N extends true ? ValueType<T> | null : ValueType<T>) : never;

type DeclOf<M> = M extends Model<string, infer D> ? D : never;
type Fields<D extends ModelDecl> = D["fields"];
type ForeignKeys<D extends ModelDecl> = NonNullable<D["foreignKeys"]>;
type ManyToMany<D extends ModelDecl> = NonNullable<D["manyToMany"]>;

/** Every non-primary field, and each foreign key's <name>_id column. */
export type FieldsOf<M> = {
  -readonly [
    K in keyof Fields<DeclOf<M>> as Fields<DeclOf<M>>[K] extends { primary: true } ? never : K
  ]: Value<Fields<DeclOf<M>>[K]>;
} & {
  -readonly [K in keyof ForeignKeys<DeclOf<M>> as `${K & string}_id`]: ForeignKeys<DeclOf<M>>[K] extends {
    null: true;
  }
    ? number | null
    : number;
};

type AllModels = (typeof registrySpecs)[number];

/** Every foreign key of every registry, seen from its target (the reverse side). */
type Incoming = AllModels extends infer M
  ? M extends Model<infer From, infer D>
    ? {
        [K in keyof NonNullable<D["foreignKeys"]>]: NonNullable<D["foreignKeys"]>[K] extends ForeignKeyDecl<
          infer T,
          boolean,
          infer R,
          infer U
        >
          ? { from: From; target: T; name: R; toOne: U }
          : never;
      }[keyof NonNullable<D["foreignKeys"]>]
    : never
  : never;

/** Every many-to-many field of every registry, seen from its target. */
type IncomingManyToMany = AllModels extends infer M
  ? M extends Model<infer From, infer D>
    ? {
        [K in keyof NonNullable<D["manyToMany"]>]: NonNullable<D["manyToMany"]>[K] extends ManyToManyDecl<
          infer T,
          infer R
        >
          ? { from: From; target: T; name: R }
          : never;
      }[keyof NonNullable<D["manyToMany"]>]
    : never
  : never;

/** The relation accessors of a model: its own foreign keys and many-to-many fields, and the reverse sides. */
export type RelationsOf<M> = {
  readonly [K in keyof ForeignKeys<DeclOf<M>>]: ForeignKeys<DeclOf<M>>[K] extends ForeignKeyDecl<
    infer T,
    infer N
  >
    ? Promise<N extends true ? RecordNamed<T> | null : RecordNamed<T>>
    : never;
} & {
  readonly [K in keyof ManyToMany<DeclOf<M>>]: QuerySet<RecordNamed<ManyToMany<DeclOf<M>>[K]["target"]>>;
} & {
  readonly [
    E in Incoming as E extends { target: NameOf<M>; name: infer R extends string } ? R : never
  ]: E extends {
    toOne: true;
  }
    ? Promise<RecordNamed<E["from"]> | null>
    : QuerySet<RecordNamed<E["from"]>>;
} & {
  readonly [
    E in IncomingManyToMany as E extends { target: NameOf<M>; name: infer R extends string } ? R : never
  ]: QuerySet<RecordNamed<E["from"]>>;
};

type NameOf<M> = M extends Model<infer N, ModelDecl> ? N : never;

/** A registry's record type: its fields and its relations, from its model declaration. */
export type RecordOf<M> = FieldsOf<M> & RelationsOf<M>;
