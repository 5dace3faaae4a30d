// Filtering runs by feature values, as LaminDB does when a filter's first key is not a field:
// Run.filter({ experiment: "My experiment 1", n_cells__gt: 1000 }). Simple values live in
// lamindb_jsonvalue (linked through lamindb_runjsonvalue), record-typed values in lamindb_runrecord.
import { FieldError, InvalidArgument } from "../errors";
import type { ModelSpec } from "../schema/fields";
import {
  TEXT_LOOKUPS,
  col,
  ident,
  isLookup,
  jsonLookup,
  relatedId,
  textLookup,
  type Aliases,
  type Fragment,
  type Lookup,
} from "../query/compile";

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
  if (!hasFeatures(model))
    throw new FieldError(`${model.name} has no features: '${key}' is not a field`, key);
  const parts = key.split("__");
  let lookup: Lookup = "exact";
  if (parts.length > 1 && isLookup(parts[parts.length - 1])) lookup = parts.pop() as Lookup;
  const name = parts.join("__");
  // LaminDB turns startswith and contains on simple features into icontains
  const simpleLookup: Lookup = lookup === "startswith" || lookup === "contains" ? "icontains" : lookup;
  const l = ident(ctx.aliases.next());
  const v = ident(ctx.aliases.next());
  const f = ident(ctx.aliases.next());
  const isRecord =
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) !== Object.prototype;
  const simple = isRecord
    ? { sql: "FALSE", bindings: [] }
    : jsonLookup({ sql: `${v}."value"`, bindings: [], type: "json", name: key }, simpleLookup, value);
  const jsonExists: Fragment = {
    sql:
      `EXISTS (SELECT 1 FROM "lamindb_runjsonvalue" ${l} JOIN "lamindb_jsonvalue" ${v} ON ${v}."id" = ${l}."jsonvalue_id" ` +
      `JOIN "lamindb_feature" ${f} ON ${f}."id" = ${v}."feature_id" WHERE ${l}."run_id" = ${col(alias, "id")} AND ${f}."name" = ? AND ${simple.sql})`,
    bindings: [name, ...simple.bindings],
  };
  // categorical: a Record by name (or the record itself)
  const l2 = ident(ctx.aliases.next());
  const r = ident(ctx.aliases.next());
  const f2 = ident(ctx.aliases.next());
  let cat: Fragment;
  if (isRecord) {
    if (lookup !== "exact") throw new InvalidArgument(`${key}: a record value takes no lookup`);
    cat = { sql: `${r}."id" = ?`, bindings: [relatedId(value)] };
  } else if (lookup === "exact" && typeof value === "string") {
    cat = { sql: `${r}."name" = ?`, bindings: [value] };
  } else if (lookup === "in" && Array.isArray(value) && value.every((x) => typeof x === "string")) {
    cat = value.length
      ? { sql: `${r}."name" IN (${value.map(() => "?").join(", ")})`, bindings: value }
      : { sql: "FALSE", bindings: [] };
  } else if (typeof value === "string" && TEXT_LOOKUPS.includes(lookup)) {
    cat = textLookup({ sql: `${r}."name"`, bindings: [], type: "text", name: key }, lookup, value);
  } else {
    return jsonExists;
  }
  return {
    sql:
      `(${jsonExists.sql} OR EXISTS (SELECT 1 FROM "lamindb_runrecord" ${l2} JOIN "lamindb_record" ${r} ON ${r}."id" = ${l2}."record_id" ` +
      `JOIN "lamindb_feature" ${f2} ON ${f2}."id" = ${l2}."feature_id" WHERE ${l2}."run_id" = ${col(alias, "id")} AND ${f2}."name" = ? AND ${cat.sql}))`,
    bindings: [...jsonExists.bindings, name, ...cat.bindings],
  };
}
