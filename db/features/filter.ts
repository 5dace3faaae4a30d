// Filtering runs by feature values, as LaminDB does when a filter's first key is not a field:
// Run.filter({ experiment: "My experiment 1", n_cells__gt: 1000 }). Simple values live in
// lamindb_jsonvalue (linked through lamindb_runjsonvalue), record-typed values in lamindb_runrecord.
import { FieldError, InvalidArgument } from "../errors";
import type { ModelSpec } from "../schema/fields";
import { sql, type Aliases, type Fragment } from "../query/sql";
import {
  TEXT_LOOKUPS,
  isLookup,
  jsonLookup,
  lookupParts,
  relatedId,
  textLookup,
  type Lookup,
} from "../query/field-lookups";

/** Which registries have feature links in this schema. */
export function hasFeatures(model: ModelSpec): boolean {
  return model.name === "Run";
}

export function featureNameOf(key: string): string {
  const parts = key.split("__");
  return isLookup(parts[parts.length - 1]) && parts.length > 1 ? parts.slice(0, -1).join("__") : key;
}

export function compileFeatureLeaf(
  model: ModelSpec,
  alias: string,
  key: string,
  value: unknown,
  ctx: { aliases: Aliases },
): Fragment {
  const parts = lookupParts(key);
  if (!hasFeatures(model))
    throw new FieldError(`${model.name} has no features: '${key}' is not a field`, key);
  let lookup: Lookup = "exact";
  if (parts.length > 1 && isLookup(parts[parts.length - 1])) lookup = parts.pop() as Lookup;
  const name = parts.join("__");
  // LaminDB turns startswith and contains on simple features into icontains
  const simpleLookup: Lookup = lookup === "startswith" || lookup === "contains" ? "icontains" : lookup;
  const run = sql.col(alias, "id");
  const l = sql.ident(ctx.aliases.next());
  const v = sql.ident(ctx.aliases.next());
  const f = sql.ident(ctx.aliases.next());
  const isRecord =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) !== Object.prototype;
  const simple = isRecord
    ? sql`FALSE`
    : jsonLookup({ expr: sql`${v}."value"`, type: "json", name: key }, simpleLookup, value);
  const jsonExists = sql`EXISTS (SELECT 1 FROM "lamindb_runjsonvalue" ${l} JOIN "lamindb_jsonvalue" ${v} ON ${v}."id" = ${l}."jsonvalue_id" JOIN "lamindb_feature" ${f} ON ${f}."id" = ${v}."feature_id" WHERE ${l}."run_id" = ${run} AND ${f}."name" = ${name} AND ${simple})`;
  // categorical: a Record by name (or the record itself)
  const l2 = sql.ident(ctx.aliases.next());
  const r = sql.ident(ctx.aliases.next());
  const f2 = sql.ident(ctx.aliases.next());
  let cat: Fragment;
  if (isRecord) {
    if (lookup !== "exact") throw new InvalidArgument(`${key}: a record value takes no lookup`);
    cat = sql`${r}."id" = ${relatedId(value)}`;
  } else if (lookup === "exact" && typeof value === "string") {
    cat = sql`${r}."name" = ${value}`;
  } else if (lookup === "in" && Array.isArray(value) && value.every((x) => typeof x === "string")) {
    cat = value.length ? sql`${r}."name" IN (${sql.list(value)})` : sql`FALSE`;
  } else if (typeof value === "string" && TEXT_LOOKUPS.includes(lookup)) {
    cat = textLookup({ expr: sql`${r}."name"`, type: "text", name: key }, lookup, value);
  } else {
    return jsonExists;
  }
  return sql`(${jsonExists} OR EXISTS (SELECT 1 FROM "lamindb_runrecord" ${l2} JOIN "lamindb_record" ${r} ON ${r}."id" = ${l2}."record_id" JOIN "lamindb_feature" ${f2} ON ${f2}."id" = ${l2}."feature_id" WHERE ${l2}."run_id" = ${run} AND ${f2}."name" = ${name} AND ${cat}))`;
}
