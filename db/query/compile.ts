// Compiles Django-style filter expressions to SQL fragments. Identifiers come only from the model
// catalog (quoted here); every value is a bound parameter, so no input can change the SQL's shape.
// Relations are compiled to EXISTS subqueries: a to-many condition never duplicates rows.
import { FieldError, InvalidArgument } from "../errors";
import type { FieldSpec, ModelSpec } from "../schema/fields";
import { fieldOf, isToMany, queryableNames, relationsOf, type Relation } from "../schema/catalog";
import { foreignKeyType } from "../migrations/ddl";
import { statusCode } from "../status";
import { coerceFilterValue, type ValueType } from "./values";
import type { QNode } from "./q";
import { compileFeatureLeaf } from "../features/filter";

export interface Fragment {
  sql: string;
  bindings: unknown[];
}

export const LOOKUPS = [
  "exact",
  "iexact",
  "contains",
  "icontains",
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "in",
  "gt",
  "gte",
  "lt",
  "lte",
  "isnull",
  "range",
  "regex",
  "iregex",
] as const;
export type Lookup = (typeof LOOKUPS)[number];
/** The lookups that compare text (textLookup below), also used on record names of categorical features. */
export const TEXT_LOOKUPS: readonly Lookup[] = [
  "iexact",
  "contains",
  "icontains",
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "regex",
  "iregex",
];
export const isLookup = (s: string | undefined): s is Lookup =>
  s !== undefined && (LOOKUPS as readonly string[]).includes(s);

/** Double-quotes a catalog identifier; anything else is a bug, not user input. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`internal: bad identifier ${name}`);
  return `"${name}"`;
}

export const col = (alias: string, column: string) => `${ident(alias)}.${ident(column)}`;

/** Allocates table aliases t0, t1, ... for one statement. */
export class Aliases {
  private n = 0;
  next(): string {
    return `t${this.n++}`;
  }
}

/** A column that a filter can compare: a simple field, a foreign key column, or a JSON path. */
export interface Target {
  sql: string;
  bindings: unknown[];
  type: ValueType;
  name: string;
  json?: boolean; // a value inside a jsonb document
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function textLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  const text = coerceFilterValue({ ...target, type: "text" }, value, lookup);
  const s = String(text);
  const expr = target.json ? target.sql : target.type === "text" ? target.sql : `(${target.sql})::text`;
  const b = target.bindings;
  switch (lookup) {
    case "contains":
      return { sql: `${expr} LIKE ? ESCAPE '\\'`, bindings: [...b, `%${likeEscape(s)}%`] };
    case "icontains":
      return { sql: `${expr} ILIKE ? ESCAPE '\\'`, bindings: [...b, `%${likeEscape(s)}%`] };
    case "startswith":
      return { sql: `${expr} LIKE ? ESCAPE '\\'`, bindings: [...b, `${likeEscape(s)}%`] };
    case "istartswith":
      // lower(col) LIKE 'x%' can use the lower(col) text_pattern_ops index of name-like columns
      return {
        sql: `lower(${expr}) LIKE ? ESCAPE '\\'`,
        bindings: [...b, `${likeEscape(s.toLowerCase())}%`],
      };
    case "endswith":
      return { sql: `${expr} LIKE ? ESCAPE '\\'`, bindings: [...b, `%${likeEscape(s)}`] };
    case "iendswith":
      return { sql: `${expr} ILIKE ? ESCAPE '\\'`, bindings: [...b, `%${likeEscape(s)}`] };
    case "iexact":
      return { sql: `lower(${expr}) = lower(?)`, bindings: [...b, s] };
    case "regex":
      return { sql: `${expr} ~ ?`, bindings: [...b, s] };
    case "iregex":
      return { sql: `${expr} ~* ?`, bindings: [...b, s] };
    default:
      throw new Error(`internal: ${lookup} is not a text lookup`);
  }
}

export function jsonLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  const x = target.sql;
  const b = target.bindings;
  switch (lookup) {
    case "exact":
      return {
        sql: `${x} = ?::jsonb`,
        bindings: [...b, JSON.stringify(coerceFilterValue(target, value, lookup))],
      };
    case "in": {
      const values = coerceFilterValue(target, value, lookup) as unknown[];
      if (values.length === 0) return { sql: "FALSE", bindings: [] };
      return {
        sql: `${x} IN (${values.map(() => "?::jsonb").join(", ")})`,
        bindings: [...b, ...values.map((v) => JSON.stringify(v))],
      };
    }
    case "isnull":
      return { sql: `${x} IS ${coerceFilterValue(target, value, lookup) ? "" : "NOT "}NULL`, bindings: b };
    case "gt":
    case "gte":
    case "lt":
    case "lte":
    case "range": {
      const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;
      const v = coerceFilterValue(target, value, lookup);
      const values = (lookup === "range" ? v : [v]) as Array<number | string>;
      const numeric = typeof values[0] === "number";
      // Compare numbers as numbers and strings as strings; values of another JSON type never match.
      const typed = numeric ? `(${x})::numeric` : `(${x} #>> '{}')`;
      const cast = numeric ? "?::numeric" : "?";
      const cond =
        lookup === "range"
          ? `${typed} BETWEEN ${cast} AND ${cast}`
          : `${typed} ${op[lookup as keyof typeof op]} ${cast}`;
      return {
        sql: `CASE WHEN jsonb_typeof(${x}) = '${numeric ? "number" : "string"}' THEN ${cond} ELSE FALSE END`,
        bindings: [...b, ...b, ...values],
      };
    }
    default:
      return textLookup({ ...target, sql: `(${x} #>> '{}')`, json: true }, lookup, value);
  }
}

function fieldLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  if (target.type === "json") return jsonLookup(target, lookup, value);
  const b = target.bindings;
  switch (lookup) {
    case "exact": {
      const v = coerceFilterValue(target, value, lookup);
      return v === null
        ? { sql: `${target.sql} IS NULL`, bindings: b }
        : { sql: `${target.sql} = ?`, bindings: [...b, v] };
    }
    case "in": {
      const values = coerceFilterValue(target, value, lookup) as unknown[];
      if (values.length === 0) return { sql: "FALSE", bindings: [] };
      return { sql: `${target.sql} IN (${values.map(() => "?").join(", ")})`, bindings: [...b, ...values] };
    }
    case "isnull":
      return {
        sql: `${target.sql} IS ${coerceFilterValue(target, value, lookup) ? "" : "NOT "}NULL`,
        bindings: b,
      };
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[lookup];
      return { sql: `${target.sql} ${op} ?`, bindings: [...b, coerceFilterValue(target, value, lookup)] };
    }
    case "range": {
      const [lo, hi] = coerceFilterValue(target, value, lookup) as [unknown, unknown];
      return { sql: `${target.sql} BETWEEN ? AND ?`, bindings: [...b, lo, hi] };
    }
    default:
      return textLookup(target, lookup, value);
  }
}

function valueTypeOf(f: FieldSpec): ValueType {
  switch (f.type) {
    case "auto":
    case "smallauto":
    case "smallint":
    case "int":
      return "int";
    case "bigauto":
    case "bigint":
      return "bigint";
    case "char":
    case "text":
      return "text";
    default:
      return f.type;
  }
}

export interface CompileContext {
  aliases: Aliases;
}

/** A record or an id, as the value of a relation: `filter({ transform: t })`, `{ ulabels: label }`. */
export function relatedId(value: unknown): unknown {
  if (value !== null && typeof value === "object" && "id" in value && !Array.isArray(value)) {
    const id = (value as { id: unknown }).id;
    if (id === undefined || id === null)
      throw new InvalidArgument("A related record in a filter must be saved first");
    return id;
  }
  return value;
}

function existsThrough(
  rel: Relation,
  alias: string,
  ctx: CompileContext,
  inner: (targetAlias: string) => Fragment,
): Fragment {
  const t = ctx.aliases.next();
  if (rel.kind === "fk") {
    const f = inner(t);
    return {
      sql: `EXISTS (SELECT 1 FROM ${ident(rel.target.table)} ${ident(t)} WHERE ${col(t, "id")} = ${col(alias, rel.column)} AND ${f.sql})`,
      bindings: f.bindings,
    };
  }
  if (rel.kind === "reverse") {
    const f = inner(t);
    return {
      sql: `EXISTS (SELECT 1 FROM ${ident(rel.target.table)} ${ident(t)} WHERE ${col(t, rel.targetColumn)} = ${col(alias, "id")} AND ${f.sql})`,
      bindings: f.bindings,
    };
  }
  const l = ctx.aliases.next();
  const f = inner(t);
  return {
    sql:
      `EXISTS (SELECT 1 FROM ${ident(rel.link.table)} ${ident(l)} JOIN ${ident(rel.target.table)} ${ident(t)} ` +
      `ON ${col(t, "id")} = ${col(l, rel.targetColumn)} WHERE ${col(l, rel.sourceColumn)} = ${col(alias, "id")} AND ${f.sql})`,
    bindings: f.bindings,
  };
}

/** A condition on a relation itself: `transform: t`, `ulabels__in: [a, b]`, `report__isnull: true`. */
function relationCondition(
  rel: Relation,
  alias: string,
  lookup: Lookup,
  value: unknown,
  ctx: CompileContext,
): Fragment {
  if (lookup !== "exact" && lookup !== "in" && lookup !== "isnull") {
    throw new InvalidArgument(
      `Unsupported lookup '${lookup}' on relation '${rel.name}': use ${rel.name}__<field>__${lookup}`,
    );
  }
  if (rel.kind === "fk") {
    const target: Target = {
      sql: col(alias, rel.column),
      bindings: [],
      type: foreignKeyType(rel.fk) === "bigint" ? "bigint" : "int",
      name: rel.name,
    };
    const v = lookup === "in" && Array.isArray(value) ? value.map(relatedId) : relatedId(value);
    return fieldLookup(target, lookup, v);
  }
  if (lookup === "isnull") {
    const exists = existsThrough(rel, alias, ctx, () => ({ sql: "TRUE", bindings: [] }));
    const isNull = coerceFilterValue({ type: "bool", name: rel.name }, value, "isnull");
    return isNull ? { sql: `NOT ${exists.sql}`, bindings: exists.bindings } : exists;
  }
  const v = lookup === "in" && Array.isArray(value) ? value.map(relatedId) : relatedId(value);
  return existsThrough(rel, alias, ctx, (t) =>
    fieldLookup({ sql: col(t, "id"), bindings: [], type: "bigint", name: `${rel.name}__id` }, lookup, v),
  );
}

/** Compiles one `a__b__lookup: value` expression on `model` (table alias `alias`). */
export function compileLeaf(
  model: ModelSpec,
  alias: string,
  key: string,
  value: unknown,
  ctx: CompileContext,
): Fragment {
  const parts = key.split("__");
  if (parts.some((p) => p === "")) throw FieldError.unknown(key, queryableNames(model), model.name);
  const [head, ...rest] = parts;

  // LaminDB's status names map to _status_code on runs.
  if (head === "status" && model.name === "Run") {
    const lookup = rest.length === 0 ? "exact" : rest[0];
    if (rest.length > 1 || (lookup !== "exact" && lookup !== "in")) {
      throw new InvalidArgument(`status supports exact and in lookups; got '${key}'`);
    }
    const codes = lookup === "in" ? toArray(value, key).map(statusCode) : statusCode(value);
    return fieldLookup(
      { sql: col(alias, "_status_code"), bindings: [], type: "int", name: "status" },
      lookup,
      codes,
    );
  }

  // LaminDB: filtering versioned registries by `version` means version_tag
  if (head === "version" && model.versioned)
    return compileLeaf(model, alias, ["version_tag", ...rest].join("__"), value, ctx);

  const field = fieldOf(model, head);
  const fkByColumn = model.foreignKeys.find((fk) => fk.column === head);
  if (field || fkByColumn) {
    const type: ValueType = field
      ? valueTypeOf(field)
      : foreignKeyType(fkByColumn!) === "bigint"
        ? "bigint"
        : "int";
    const target: Target = {
      sql: col(alias, field ? field.column : fkByColumn!.column),
      bindings: [],
      type,
      name: head,
    };
    if (type === "json" && rest.length > 0) {
      const last = rest[rest.length - 1];
      const lookup: Lookup =
        rest.length > 1 && isLookup(last) ? last : rest.length === 1 && isLookup(last) ? last : "exact";
      const path = isLookup(last) ? rest.slice(0, -1) : rest;
      if (path.length === 0) return jsonLookup(target, lookup, value);
      // jsonb_extract_path takes each key as its own bound text parameter
      const pathTarget: Target = {
        sql: `jsonb_extract_path(${target.sql}, ${path.map(() => "?::text").join(", ")})`,
        bindings: path,
        type: "json",
        name: key,
      };
      return jsonLookup(pathTarget, lookup, value);
    }
    if (rest.length > 1) throw FieldError.unknown(key, queryableNames(model), model.name);
    const lookup = rest.length === 0 ? "exact" : rest[0];
    if (!isLookup(lookup)) {
      throw new FieldError(
        `Unsupported lookup '${lookup}' for field '${head}'. Lookups: ${LOOKUPS.join(", ")}`,
        key,
        [...LOOKUPS],
      );
    }
    return fieldLookup(target, lookup, value);
  }

  const rel = relationsOf(model).get(head);
  if (!rel) throw FieldError.unknown(head, queryableNames(model), model.name);
  if (rest.length === 0 || (rest.length === 1 && isLookup(rest[0]))) {
    const lookup = (rest[0] ?? "exact") as Lookup;
    // A name passed where a record belongs: LaminDB suggests the field to use.
    if (rel.kind === "fk" && typeof value === "string" && /[^0-9]/.test(value) && lookup === "exact") {
      throw new InvalidArgument(
        `'${head}' is a relation to ${rel.target.name}; did you mean ${head}__name or ${head}__uid?`,
      );
    }
    return relationCondition(rel, alias, lookup, value, ctx);
  }
  return existsThrough(rel, alias, ctx, (t) => compileLeaf(rel.target, t, rest.join("__"), value, ctx));
}

function toArray(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new InvalidArgument(`${key} needs an array`);
  return value;
}

export function compileNode(model: ModelSpec, alias: string, node: QNode, ctx: CompileContext): Fragment {
  switch (node.kind) {
    case "leaf":
      return compileLeaf(model, alias, node.key, node.value, ctx);
    case "feature":
      return compileFeatureLeaf(model, alias, node.key, node.value, ctx);
    case "not": {
      const f = compileNode(model, alias, node.child, ctx);
      // NULL-safe negation: NOT (x = 1) is NULL, not TRUE, when x is NULL; Django includes such rows
      return { sql: `(${f.sql}) IS NOT TRUE`, bindings: f.bindings };
    }
    default: {
      if (node.children.length === 0) return { sql: "TRUE", bindings: [] };
      const parts = node.children.map((c) => compileNode(model, alias, c, ctx));
      const op = node.kind === "and" ? " AND " : " OR ";
      return { sql: parts.map((p) => `(${p.sql})`).join(op), bindings: parts.flatMap((p) => p.bindings) };
    }
  }
}

/** Whether a filter names the branch or an identity, which turns off LaminDB's default branch scoping. */
export function namesBranchOrIdentity(keys: string[]): boolean {
  return keys.some((k) => {
    const head = k.split("__")[0];
    return head === "branch" || head === "branch_id" || head === "id" || head === "uid" || head === "hash";
  });
}

export { isToMany };
