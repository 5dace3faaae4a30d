// Values as they are typed: the records whose text field starts with a prefix and, only when that
// finds few, those that contain it, in one statement. The contains half sits behind a one-time
// filter on the prefix half's count, so PostgreSQL skips it when the prefix found enough; either
// way a keystroke costs one round trip. The statement is built from the query's WHERE and the two
// lookups' fragments and sent straight on a pooled connection, unnamed: an unnamed statement is
// always planned for its values, while a named one would switch to a generic plan after five runs,
// and a generic plan of `lower(name) LIKE $1` scans the table (see connection/pooler.ts). Measured
// in bench/server-bench.ts beside the bare prefix query.
import { fieldOf } from "../schema/catalog";
import { InvalidArgument } from "../errors";
import { compileWhere } from "./compiler";
import { textLookup } from "./field-lookups";
import type { QuerySet } from "./queryset";
import { sql, type Fragment } from "./sql";

export interface TypeaheadOptions<K extends string> {
  /** The fields each row carries; `id` is always read. */
  fields: K[];
  /** Rows per half; at most this many of each. */
  limit: number;
  /** Fewer prefix matches than this add the contains half (never for one-character prefixes). */
  few: number;
}

export type TypeaheadRow<K extends string> = Record<K | "id", unknown> & { match: "prefix" | "contains" };

/**
 * The statement typeahead() sends and how to read its rows, without sending it: the benchmark runs the
 * same text on a bare connection, to tell the statement's own time from the layers above it.
 */
export function typeaheadStatement<T, K extends string>(
  qs: QuerySet<T>,
  field: string,
  prefix: string,
  options: TypeaheadOptions<K>,
): {
  statement: { text: string; values: unknown[] };
  read(rows: Array<Record<string, unknown>>): Array<TypeaheadRow<K>>;
} {
  const model = qs.registry.spec;
  const spec = fieldOf(model, field);
  if (!spec || (spec.type !== "char" && spec.type !== "text"))
    throw new InvalidArgument(`${model.name}.${field} is not a text field`);
  const columns = qs.valueColumns([...new Set<K | "id">(["id", ...options.fields])]);
  // both halves are separate subqueries over the same alias: the query's WHERE is compiled once
  const { alias, where } = compileWhere(model, qs.query);
  const select = sql`SELECT ${sql.join(columns.select(alias))} FROM ${sql.ident(model.table)} ${sql.ident(alias)}`;
  const half = (lookup: "istartswith" | "icontains"): Fragment => {
    const target = { expr: sql.col(alias, spec.column), type: "text" as const, name: field };
    return sql`${select} WHERE (${textLookup(target, lookup, prefix)}) AND (${where}) LIMIT ${options.limit}`;
  };
  const starts = half("istartswith");
  const statement =
    prefix.length < 2
      ? sql`SELECT s.*, 0 AS lamin_pass FROM (${starts}) s`
      : sql`WITH p AS (${starts}) SELECT p.*, 0 AS lamin_pass FROM p UNION ALL SELECT c.*, 1 FROM (${half("icontains")}) c WHERE (SELECT count(*) FROM p) < ${options.few} AND c.id NOT IN (SELECT id FROM p)`;
  return {
    statement: statement.toPositional(),
    read: (rows) =>
      columns
        .read(rows)
        .map(
          (r, i) => ({ ...r, match: rows[i].lamin_pass === 0 ? "prefix" : "contains" }) as TypeaheadRow<K>,
        ),
  };
}

export async function typeahead<T, K extends string>(
  qs: QuerySet<T>,
  field: string,
  prefix: string,
  options: TypeaheadOptions<K>,
): Promise<Array<TypeaheadRow<K>>> {
  const { statement, read } = typeaheadStatement(qs, field, prefix, options);
  const instance = await qs.resolveInstance();
  return read(await instance.run(() => instance.statements.query(statement)));
}
