// Django's field lookups (exact, icontains, gt, in, ...) compiled on one target expression: a column,
// a foreign key column or a JSON path. A leaf of the query layer: the filter compiler (compile.ts)
// and the feature filters (features/filter.ts) both build on it.
import { InvalidArgument } from "../errors";
import type { FieldSpec } from "../schema/fields";
import { likeEscape, sql, type Fragment } from "./sql";
import { coerceFilterValue, type ValueType } from "./values";

/**
 * Parts (relations, JSON keys, the lookup) a filter key or an include path has at most. Each relation is
 * one nested EXISTS and each JSON key one bound parameter: a key of thousands of parts blocked the server
 * for minutes (PGlite parses in its process) before it failed with a stack overflow.
 */
export const MAX_LOOKUP_PARTS = 32;

/** A key's or path's parts separated by `__`; an InvalidArgument (quoting its start) past MAX_LOOKUP_PARTS. */
export function lookupParts(key: string): string[] {
  let parts = 1;
  for (let i = key.indexOf("__"); i !== -1; i = key.indexOf("__", i + 2)) {
    if (++parts > MAX_LOOKUP_PARTS) {
      const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
      throw new InvalidArgument(`'${shown}' has more than ${MAX_LOOKUP_PARTS} parts separated by __`);
    }
  }
  return key.split("__");
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

/** An expression that a filter can compare: a simple field, a foreign key column, or a JSON path. */
export interface Target {
  expr: Fragment;
  type: ValueType;
  name: string;
  json?: boolean; // a value inside a jsonb document
}

export function textLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  const s = String(coerceFilterValue({ ...target, type: "text" }, value, lookup));
  const x = target.json || target.type === "text" ? target.expr : sql`(${target.expr})::text`;
  switch (lookup) {
    case "contains":
      return sql`${x} LIKE ${`%${likeEscape(s)}%`} ESCAPE '\\'`;
    case "icontains":
      return sql`${x} ILIKE ${`%${likeEscape(s)}%`} ESCAPE '\\'`;
    case "startswith":
      return sql`${x} LIKE ${`${likeEscape(s)}%`} ESCAPE '\\'`;
    case "istartswith":
      // lower(col) LIKE 'x%' can use the lower(col) text_pattern_ops index of name-like columns
      return sql`lower(${x}) LIKE ${`${likeEscape(s.toLowerCase())}%`} ESCAPE '\\'`;
    case "endswith":
      return sql`${x} LIKE ${`%${likeEscape(s)}`} ESCAPE '\\'`;
    case "iendswith":
      return sql`${x} ILIKE ${`%${likeEscape(s)}`} ESCAPE '\\'`;
    case "iexact":
      return sql`lower(${x}) = lower(${s})`;
    case "regex":
      return sql`${x} ~ ${s}`;
    case "iregex":
      return sql`${x} ~* ${s}`;
    default:
      throw new Error(`internal: ${lookup} is not a text lookup`);
  }
}

const COMPARISONS = { gt: sql.raw(">"), gte: sql.raw(">="), lt: sql.raw("<"), lte: sql.raw("<=") };

function isNull(target: Target, value: unknown): Fragment {
  return coerceFilterValue(target, value, "isnull")
    ? sql`${target.expr} IS NULL`
    : sql`${target.expr} IS NOT NULL`;
}

export function jsonLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  const x = target.expr;
  switch (lookup) {
    case "exact":
      return sql`${x} = ${JSON.stringify(coerceFilterValue(target, value, lookup))}::jsonb`;
    case "in": {
      const values = coerceFilterValue(target, value, lookup) as unknown[];
      if (values.length === 0) return sql`FALSE`;
      return sql`${x} IN (${sql.join(values.map((v) => sql`${JSON.stringify(v)}::jsonb`))})`;
    }
    case "isnull":
      return isNull(target, value);
    case "gt":
    case "gte":
    case "lt":
    case "lte":
    case "range": {
      const v = coerceFilterValue(target, value, lookup);
      const values = (lookup === "range" ? v : [v]) as Array<number | string>;
      const numeric = typeof values[0] === "number";
      // Compare numbers as numbers and strings as strings; values of another JSON type never match.
      const typed = numeric ? sql`(${x})::numeric` : sql`(${x} #>> '{}')`;
      const param = (p: number | string) => (numeric ? sql`${p}::numeric` : sql`${p}`);
      const cond =
        lookup === "range"
          ? sql`${typed} BETWEEN ${param(values[0])} AND ${param(values[1])}`
          : sql`${typed} ${COMPARISONS[lookup]} ${param(values[0])}`;
      const kind = numeric ? sql`'number'` : sql`'string'`;
      return sql`CASE WHEN jsonb_typeof(${x}) = ${kind} THEN ${cond} ELSE FALSE END`;
    }
    default:
      return textLookup({ ...target, expr: sql`(${x} #>> '{}')`, json: true }, lookup, value);
  }
}

export function fieldLookup(target: Target, lookup: Lookup, value: unknown): Fragment {
  if (target.type === "json") return jsonLookup(target, lookup, value);
  const x = target.expr;
  switch (lookup) {
    case "exact": {
      const v = coerceFilterValue(target, value, lookup);
      return v === null ? sql`${x} IS NULL` : sql`${x} = ${v}`;
    }
    case "in": {
      const values = coerceFilterValue(target, value, lookup) as unknown[];
      if (values.length === 0) return sql`FALSE`;
      return sql`${x} IN (${sql.list(values)})`;
    }
    case "isnull":
      return isNull(target, value);
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return sql`${x} ${COMPARISONS[lookup]} ${coerceFilterValue(target, value, lookup)}`;
    case "range": {
      const [lo, hi] = coerceFilterValue(target, value, lookup) as [unknown, unknown];
      return sql`${x} BETWEEN ${lo} AND ${hi}`;
    }
    default:
      return textLookup(target, lookup, value);
  }
}

/** The value type a field's lookups check values against. */
export function valueTypeOf(f: FieldSpec): ValueType {
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
