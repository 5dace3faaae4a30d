// Compiles Django-style filter expressions to SQL fragments. Identifiers come only from the model
// catalog (quoted by sql.ident); every value is a bound parameter, so no input can change the SQL's
// shape. Relations are compiled to EXISTS subqueries: a to-many condition never duplicates rows.
import { FieldError, InvalidArgument } from "../errors";
import type { ModelSpec } from "../schema/fields";
import { fieldOf, queryableNames, relationsOf, type Relation } from "../schema/catalog";
import { foreignKeyType } from "../migrations/ddl";
import { statusCode } from "../status";
import { compileFeatureLeaf } from "../features/filter";
import { coerceFilterValue, type ValueType } from "./values";
import type { QNode } from "./q";
import { sql, type Aliases, type Fragment } from "./sql";
import {
  fieldLookup,
  isLookup,
  jsonLookup,
  lookupParts,
  LOOKUPS,
  relatedId,
  valueTypeOf,
  type Lookup,
  type Target,
} from "./field-lookups";

export interface CompileContext {
  aliases: Aliases;
}

function existsThrough(
  rel: Relation,
  alias: string,
  ctx: CompileContext,
  inner: (targetAlias: string) => Fragment,
): Fragment {
  const t = ctx.aliases.next();
  const target = sql`${sql.ident(rel.target.table)} ${sql.ident(t)}`;
  if (rel.kind === "fk") {
    return sql`EXISTS (SELECT 1 FROM ${target} WHERE ${sql.col(t, "id")} = ${sql.col(alias, rel.column)} AND ${inner(t)})`;
  }
  if (rel.kind === "reverse") {
    return sql`EXISTS (SELECT 1 FROM ${target} WHERE ${sql.col(t, rel.targetColumn)} = ${sql.col(alias, "id")} AND ${inner(t)})`;
  }
  const l = ctx.aliases.next();
  const link = sql`${sql.ident(rel.link.table)} ${sql.ident(l)}`;
  return sql`EXISTS (SELECT 1 FROM ${link} JOIN ${target} ON ${sql.col(t, "id")} = ${sql.col(l, rel.targetColumn)} WHERE ${sql.col(l, rel.sourceColumn)} = ${sql.col(alias, "id")} AND ${inner(t)})`;
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
  const ids = () => (lookup === "in" && Array.isArray(value) ? value.map(relatedId) : relatedId(value));
  if (rel.kind === "fk") {
    const target: Target = {
      expr: sql.col(alias, rel.column),
      type: foreignKeyType(rel.fk) === "bigint" ? "bigint" : "int",
      name: rel.name,
    };
    return fieldLookup(target, lookup, ids());
  }
  if (lookup === "isnull") {
    const exists = existsThrough(rel, alias, ctx, () => sql`TRUE`);
    const isNull = coerceFilterValue({ type: "bool", name: rel.name }, value, "isnull");
    return isNull ? sql`NOT ${exists}` : exists;
  }
  const v = ids();
  return existsThrough(rel, alias, ctx, (t) =>
    fieldLookup({ expr: sql.col(t, "id"), type: "bigint", name: `${rel.name}__id` }, lookup, v),
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
  const parts = lookupParts(key);
  if (parts.some((p) => p === "")) throw FieldError.unknown(key, queryableNames(model), model.name);
  const [head, ...rest] = parts;

  // LaminDB's status names map to _status_code on runs.
  if (head === "status" && model.name === "Run") {
    const lookup = rest.length === 0 ? "exact" : rest[0];
    if (rest.length > 1 || (lookup !== "exact" && lookup !== "in")) {
      throw new InvalidArgument(`status supports exact and in lookups; got '${key}'`);
    }
    const codes = lookup === "in" ? toArray(value, key).map(statusCode) : statusCode(value);
    return fieldLookup({ expr: sql.col(alias, "_status_code"), type: "int", name: "status" }, lookup, codes);
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
      expr: sql.col(alias, field ? field.column : fkByColumn!.column),
      type,
      name: head,
    };
    if (type === "json" && rest.length > 0) {
      const last = rest[rest.length - 1];
      const lookup: Lookup = isLookup(last) ? last : "exact";
      const path = isLookup(last) ? rest.slice(0, -1) : rest;
      if (path.length === 0) return jsonLookup(target, lookup, value);
      // jsonb_extract_path takes each key as its own bound text parameter
      const keys = sql.join(path.map((p) => sql`${p}::text`));
      const pathTarget: Target = {
        expr: sql`jsonb_extract_path(${target.expr}, ${keys})`,
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
    case "not":
      // NULL-safe negation: NOT (x = 1) is NULL, not TRUE, when x is NULL; Django includes such rows
      return sql`(${compileNode(model, alias, node.child, ctx)}) IS NOT TRUE`;
    default: {
      if (node.children.length === 0) return sql`TRUE`;
      const parts = node.children.map((c) => compileNode(model, alias, c, ctx));
      return node.kind === "and" ? sql.and(parts) : sql.or(parts);
    }
  }
}

const IDENTITY_KEYS = new Set(["id", "uid", "hash", "id__in", "uid__in", "hash__in"]);
const namesBranch = (k: string): boolean =>
  k === "branch" || k === "branch_id" || k.startsWith("branch__") || k.startsWith("branch_id__");

/**
 * Whether one filter() or exclude() call adds LaminDB's default branch scoping (process_expressions):
 * it does unless its keyword expressions include exactly `id`, `uid`, `hash` or their `__in` (Q objects
 * do not count), or any expression, in a Q object too, names `branch`/`branch_id` or a lookup on them.
 * So `uid__startswith` is scoped and does not see the trash.
 */
export function callIsScoped(kwargKeys: string[], qKeys: string[]): boolean {
  if (kwargKeys.some((k) => IDENTITY_KEYS.has(k))) return false;
  return ![...kwargKeys, ...qKeys].some(namesBranch);
}
