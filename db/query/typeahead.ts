// Values as they are typed: the records whose text field starts with a prefix and, only when that
// finds few, those that contain it. On a PostgreSQL server that is one statement: the contains half
// sits behind a one-time filter on the prefix half's count, so PostgreSQL skips it when the prefix
// found enough, and a keystroke costs one round trip whatever the network. On PGlite, which plans in
// WebAssembly on this machine, planning both halves costs more than a second round trip: the prefix
// half goes alone, and the contains half follows only when it found few (docs/server.md). Either way
// the statements are built from the query's WHERE and the lookups' fragments and sent straight on a
// pooled connection, unnamed: an unnamed statement is always planned for its values, while a named
// one would switch to a generic plan after five runs, and a generic plan of `lower(name) LIKE $1`
// scans the table (see connection/pooler.ts). Measured in bench/server-bench.ts.
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

type Statement = { text: string; values: unknown[] };
type RawRow = Record<string, unknown>;

/** The statements typeahead() sends, and how to read their rows. */
export interface TypeaheadPlan<K extends string> {
  /** Both halves in one statement, or, split, the prefix half alone. */
  first: Statement;
  /** Split only: the contains half, sent when `first` found fewer than `few` rows. */
  contains?: Statement;
  few: number;
  read(rows: RawRow[]): Array<TypeaheadRow<K>>;
}

/**
 * The statements typeahead() sends and how to read their rows, without sending them: the benchmark
 * runs the same on a bare connection, to tell the statements' own time from the layers above them.
 * `split`: the prefix half alone first (what typeahead() does on PGlite).
 */
export function typeaheadStatement<T, K extends string>(
  qs: QuerySet<T>,
  field: string,
  prefix: string,
  options: TypeaheadOptions<K>,
  split = false,
): TypeaheadPlan<K> {
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
  const read = (rows: RawRow[]): Array<TypeaheadRow<K>> =>
    columns
      .read(rows)
      .map((r, i) => ({ ...r, match: rows[i].lamin_pass === 0 ? "prefix" : "contains" }) as TypeaheadRow<K>);
  const few = options.few;
  if (prefix.length >= 2 && !split) {
    const statement = sql`WITH p AS (${starts}) SELECT p.*, 0 AS lamin_pass FROM p UNION ALL SELECT c.*, 1 FROM (${half("icontains")}) c WHERE (SELECT count(*) FROM p) < ${few} AND c.id NOT IN (SELECT id FROM p)`;
    return { first: statement.toPositional(), few, read };
  }
  // one character: the prefix half only; split: the prefix half first
  const first = sql`SELECT s.*, 0 AS lamin_pass FROM (${starts}) s`.toPositional();
  if (prefix.length < 2) return { first, few, read };
  return {
    first,
    contains: sql`SELECT c.*, 1 AS lamin_pass FROM (${half("icontains")}) c`.toPositional(),
    few,
    read,
  };
}

/**
 * Sends a plan's statements through `send` and reads their rows: a split plan's contains half only
 * when the prefix half found fewer than `few`, without the rows the prefix half has (as the one
 * statement's `NOT IN`, after its limit).
 */
export async function runTypeahead<K extends string>(
  plan: TypeaheadPlan<K>,
  send: (statement: Statement) => Promise<RawRow[]>,
): Promise<Array<TypeaheadRow<K>>> {
  const first = await send(plan.first);
  if (!plan.contains || first.length >= plan.few) return plan.read(first);
  const seen = new Set(first.map((r) => r.id));
  const contains = (await send(plan.contains)).filter((r) => !seen.has(r.id));
  return plan.read(first.concat(contains));
}

export async function typeahead<T, K extends string>(
  qs: QuerySet<T>,
  field: string,
  prefix: string,
  options: TypeaheadOptions<K>,
): Promise<Array<TypeaheadRow<K>>> {
  const instance = await qs.resolveInstance();
  const plan = typeaheadStatement(qs, field, prefix, options, instance.info.engine === "pglite");
  return runTypeahead(plan, (statement) => instance.run(() => instance.statements.query(statement)));
}
