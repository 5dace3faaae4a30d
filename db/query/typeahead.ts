// Values as they are typed: the records whose text field starts with a prefix and, only when that
// finds few, those that contain it, in one statement. The contains half sits behind a one-time
// filter on the prefix half's count, so PostgreSQL skips it when the prefix found enough; either
// way a keystroke costs one round trip. The statement is built from the query's WHERE and the two
// lookups' fragments and sent straight on a pooled connection, as a named statement on a direct
// connection (parsed once; planned for each prefix, see connection/pooler.ts). Measured in
// bench/server-bench.ts beside the bare prefix query.
import { fieldOf } from "../schema/catalog";
import { InvalidArgument } from "../errors";
import { positional, queryPooled } from "../connection/pooled-query";
import { col, ident, textLookup, type Fragment } from "./compile";
import type { QuerySet } from "./queryset";

export interface TypeaheadOptions<K extends string> {
  /** The fields each row carries; `id` is always read. */
  fields: K[];
  /** Rows per half; at most this many of each. */
  limit: number;
  /** Fewer prefix matches than this add the contains half (never for one-character prefixes). */
  few: number;
}

export type TypeaheadRow<K extends string> = Record<K | "id", unknown> & { match: "prefix" | "contains" };

export async function typeahead<T, K extends string>(
  qs: QuerySet<T>,
  field: string,
  prefix: string,
  options: TypeaheadOptions<K>,
): Promise<Array<TypeaheadRow<K>>> {
  const model = qs.registry.spec;
  const spec = fieldOf(model, field);
  if (!spec || (spec.type !== "char" && spec.type !== "text"))
    throw new InvalidArgument(`${model.name}.${field} is not a text field`);
  const columns = qs.valueColumns([...new Set<K | "id">(["id", ...options.fields])]);
  // both halves are separate subqueries over the same alias: the query's WHERE is compiled once
  const { alias, where } = qs.where();
  const half = (lookup: "istartswith" | "icontains"): Fragment => {
    const target = { sql: col(alias, spec.column), bindings: [], type: "text" as const, name: field };
    const match = textLookup(target, lookup, prefix);
    return {
      sql: `SELECT ${columns.select(alias).join(", ")} FROM ${ident(model.table)} ${ident(alias)} WHERE (${match.sql}) AND (${where.sql}) LIMIT ?`,
      bindings: [...match.bindings, ...where.bindings, options.limit],
    };
  };
  const starts = half("istartswith");
  const statement =
    prefix.length < 2 ? prefixOnly(starts) : thenContains(starts, half("icontains"), options.few);
  const instance = await qs.resolveInstance();
  const rows = await instance.run((knex) =>
    queryPooled(
      knex,
      positional(statement.sql, statement.bindings.length),
      statement.bindings,
      instance.info.namedStatements,
    ),
  );
  const read = columns.read(rows);
  return read.map((r, i) => ({ ...r, match: rows[i].lamin_pass === 0 ? "prefix" : "contains" }));
}

function prefixOnly(starts: Fragment): Fragment {
  return { sql: `SELECT s.*, 0 AS lamin_pass FROM (${starts.sql}) s`, bindings: starts.bindings };
}

function thenContains(starts: Fragment, contains: Fragment, few: number): Fragment {
  return {
    sql:
      `WITH p AS (${starts.sql}) SELECT p.*, 0 AS lamin_pass FROM p UNION ALL ` +
      `SELECT c.*, 1 FROM (${contains.sql}) c WHERE (SELECT count(*) FROM p) < ? AND c.id NOT IN (SELECT id FROM p)`,
    bindings: [...starts.bindings, ...contains.bindings, few],
  };
}
