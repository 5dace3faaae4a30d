// toDataFrame(): LaminDB's to_dataframe() as the DataFrame JSON the table renderer draws. Column
// order follows LaminDB (sqlrecord.py): simple fields without privates and updated_at, the
// bookkeeping fields moved to the end, then <fk>_id columns, uid first, the primary key as index.
import { FieldError, InvalidArgument } from "../errors";
import type { Instance } from "../instance";
import { fieldOf, isToMany, primaryKey, queryableNames, relationsOf } from "../schema/catalog";
import type { FieldSpec, ModelSpec } from "../schema/fields";
import { fromDbValue } from "../connection/normalise";
import { hasFeatures } from "../features/filter";
import type { DataFrame, DType, JsonValue } from "../shapes";
import { compileSelect } from "./compiler";
import { lookupParts } from "./field-lookups";
import type { QuerySet } from "./queryset";
import { sql, type Aliases, type Fragment } from "./sql";

export interface ToDataFrameOptions {
  include?: string | string[];
  features?: boolean | string[];
  limit?: number | null;
  order_by?: string;
  offset?: number;
  /**
   * How `total` is counted (not LaminDB's, whose to_dataframe() has no total): "bounded" (the default)
   * stops at COUNT_BOUND rows past the page and says so (`totalExact: false`); "exact" counts them all.
   */
  count?: "bounded" | "exact";
}

// LaminDB's code defaults to limit=20 (SEARCH_QUERY_DEFAULT_LIMIT); the seed page, the lamindb.Run
// API page this project follows, gives to_dataframe(limit=100). See docs/data-model.md.
export const DEFAULT_DATAFRAME_LIMIT = 100;
// An exact count(*) reads every matching row: over 100,000 runs it took longer than the page itself
// (issue 14). The bounded count stops at the next multiple of this past the page's last row.
export const COUNT_BOUND = 10_000;
const FEATURE_REGISTRIES = ["Artifact", "Record", "Run"];
/**
 * Distinct include paths and feature names a frame takes at most: each is a column of one statement
 * (PostgreSQL's target list stops at 1664), and checking more cost seconds of the server's event loop.
 */
export const MAX_FRAME_COLUMNS = 1000;
/** `list`'s distinct names (strings), at most MAX_FRAME_COLUMNS of them; else an InvalidArgument. */
function columnNames(option: string, what: string, list: readonly unknown[]): string[] {
  if (list.some((x) => typeof x !== "string"))
    throw new InvalidArgument(`${option} takes ${what} as strings`);
  const names = [...new Set(list as string[])];
  if (names.length > MAX_FRAME_COLUMNS)
    throw new InvalidArgument(`${option} takes at most ${MAX_FRAME_COLUMNS} ${what}`);
  return names;
}
const MOVED_TO_END = [
  "version_tag",
  "is_latest",
  "is_locked",
  "is_type",
  "created_at",
  "updated_at",
  "created_on",
];

// Django orders _meta.fields by declaration (creation counter): SQLRecord's foreign keys, then
// TracksRun's created_by and run where a model inherits them (run.py is executed before the models
// that import TracksRun), then the model's own, among them a run or created_by it redeclares.
const SQLRECORD_FKS = ["branch", "created_on", "space"];
const TRACKS_RUN_INHERITED: Record<string, string[]> = {
  ULabel: ["created_by", "run"],
  Feature: ["created_by", "run"],
  JsonValue: ["created_by", "run"],
  Schema: ["created_by", "run"],
  Storage: ["created_by", "run"],
  Project: ["created_by", "run"],
  Reference: ["created_by", "run"],
  Collection: ["created_by"],
  Record: ["created_by"],
};

function djangoForeignKeyOrder(model: ModelSpec): ModelSpec["foreignKeys"] {
  const first = [...SQLRECORD_FKS, ...(TRACKS_RUN_INHERITED[model.name] ?? [])];
  const rank = (name: string) => (first.includes(name) ? first.indexOf(name) : first.length);
  return model.foreignKeys
    .map((fk, i) => ({ fk, i }))
    .sort((a, b) => rank(a.fk.name) - rank(b.fk.name) || a.i - b.i)
    .map((x) => x.fk);
}

interface Column {
  name: string;
  dtype: DType;
  /** A plain column of the table, or a computed select. */
  source: { column: string; type: FieldSpec["type"] } | { path: string };
}

export function fieldDType(f: Pick<FieldSpec, "type" | "name">): DType {
  if (f.name === "uid") return "uid";
  switch (f.type) {
    case "char":
    case "text":
      return "str";
    case "bool":
      return "bool";
    case "datetime":
      return "datetime";
    case "date":
      return "date";
    case "json":
      return "json";
    default:
      return "int";
  }
}

/** LaminDB's default columns for a registry (without the index). */
export function defaultColumns(model: ModelSpec, privates = false): Column[] {
  let simple = model.fields.filter(
    (f) => !f.primary && f.name !== "updated_at" && (privates || !f.name.startsWith("_")),
  );
  for (const name of MOVED_TO_END) {
    const f = simple.find((x) => x.name === name);
    if (f) simple = [...simple.filter((x) => x !== f), f];
  }
  const columns: Column[] = simple.map((f) => ({
    name: f.name,
    dtype: fieldDType(f),
    source: { column: f.column, type: f.type },
  }));
  for (const fk of djangoForeignKeyOrder(model)) {
    columns.push({ name: fk.column, dtype: "int", source: { column: fk.column, type: "bigint" } });
  }
  const uid = columns.findIndex((c) => c.name === "uid");
  if (uid > 0) columns.unshift(...columns.splice(uid, 1));
  return columns;
}

/** A correlated subquery selecting `path` (e.g. created_by__handle, ulabels__name) for each row. */
function pathSelect(
  model: ModelSpec,
  alias: string,
  path: string,
  aliases: Aliases,
): { expr: Fragment; dtype: DType } {
  const parts = lookupParts(path);
  const head = parts[0];
  const field = fieldOf(model, head);
  if (parts.length === 1 && field) return { expr: sql.col(alias, field.column), dtype: fieldDType(field) };
  const rel = relationsOf(model).get(head);
  if (!rel || rel.target.link) throw FieldError.unknown(path, queryableNames(model), model.name);
  const rest = parts.slice(1);
  const target = rel.target;
  const leaf = rest.length ? rest.join("__") : (target.nameField ?? "uid");
  const t = aliases.next();
  const inner = pathSelect(target, t, leaf, aliases);
  const from = sql`${sql.ident(target.table)} ${sql.ident(t)}`;
  if (!isToMany(rel)) {
    const on =
      rel.kind === "fk"
        ? sql`${sql.col(t, "id")} = ${sql.col(alias, rel.column)}`
        : sql`${sql.col(t, (rel as { targetColumn: string }).targetColumn)} = ${sql.col(alias, "id")}`;
    return { expr: sql`(SELECT ${inner.expr} FROM ${from} WHERE ${on} LIMIT 1)`, dtype: inner.dtype };
  }
  if (inner.dtype === "set") throw new InvalidArgument(`include '${path}': one to-many step per path`);
  // to-many paths aggregate into a set, as LaminDB does
  const agg = sql`COALESCE(jsonb_agg(DISTINCT to_jsonb(${inner.expr})) FILTER (WHERE ${inner.expr} IS NOT NULL), '[]'::jsonb)`;
  if (rel.kind === "reverse") {
    return {
      expr: sql`(SELECT ${agg} FROM ${from} WHERE ${sql.col(t, rel.targetColumn)} = ${sql.col(alias, "id")})`,
      dtype: "set",
    };
  }
  if (rel.kind !== "m2m") throw new Error("internal: unexpected relation");
  const l = aliases.next();
  return {
    expr: sql`(SELECT ${agg} FROM ${sql.ident(rel.link.table)} ${sql.ident(l)} JOIN ${from} ON ${sql.col(t, "id")} = ${sql.col(l, rel.targetColumn)} WHERE ${sql.col(l, rel.sourceColumn)} = ${sql.col(alias, "id")})`,
    dtype: "set",
  };
}

// Types whose values both drivers read as the frame's cell already: text, booleans, numbers of
// int4/int2, parsed jsonb, and timestamps (ISO text from SQL, see `cell` in toDataFrame()).
const AS_READ = new Set<FieldSpec["type"]>([
  "char",
  "text",
  "bool",
  "datetime",
  "json",
  "smallint",
  "int",
  "auto",
  "smallauto",
]);

function toCell(value: unknown, type?: FieldSpec["type"]): JsonValue {
  if (value === null || value === undefined) return null;
  const v = type ? fromDbValue(type, value) : value;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  return v as JsonValue;
}

async function featureColumns(
  instance: Instance,
  ids: Array<number | string>,
  wanted: true | string[],
): Promise<{ names: string[]; dtypes: Map<string, string>; values: Map<string, Map<string, JsonValue[]>> }> {
  const values = new Map<string, Map<string, JsonValue[]>>(); // feature -> run id -> values
  const dtypes = new Map<string, string>();
  const names = wanted === true ? [] : [...wanted];
  if (wanted !== true) {
    const rows = await instance.run((db) =>
      db("lamindb_feature").select("name", "_dtype_str").whereIn("name", names),
    );
    for (const r of rows) dtypes.set(r.name, r._dtype_str ?? "");
    const missing = names.filter((n) => !dtypes.has(n));
    if (missing.length) throw new InvalidArgument(`Unknown features: ${missing.join(", ")}`);
  }
  for (let i = 0; i < ids.length; i += 10_000) {
    const runs = sql.list(ids.slice(i, i + 10_000));
    const nameFilter = wanted === true ? sql`` : sql` AND f.name IN (${sql.list(names)})`;
    const rows = await instance.rows(
      sql`SELECT l.run_id, f.name, f._dtype_str AS dtype, jv.value FROM lamindb_runjsonvalue l
             JOIN lamindb_jsonvalue jv ON jv.id = l.jsonvalue_id JOIN lamindb_feature f ON f.id = jv.feature_id
             WHERE l.run_id IN (${runs})${nameFilter}
           UNION ALL
           SELECT l.run_id, f.name, f._dtype_str AS dtype, to_jsonb(r.name) AS value FROM lamindb_runrecord l
             JOIN lamindb_record r ON r.id = l.record_id JOIN lamindb_feature f ON f.id = l.feature_id
             WHERE l.run_id IN (${runs})${nameFilter}
           ORDER BY 2`,
    );
    for (const r of rows as Array<{ run_id: unknown; name: string; dtype: string | null; value: unknown }>) {
      dtypes.set(r.name, r.dtype ?? "");
      const byRun = values.get(r.name) ?? new Map<string, JsonValue[]>();
      values.set(r.name, byRun);
      const key = String(r.run_id);
      byRun.set(key, [
        ...(byRun.get(key) ?? []),
        r.value as JsonValue, // parsed by the driver: a string is a string value
      ]);
    }
  }
  const all = wanted === true ? [...values.keys()].sort() : names;
  return { names: all, dtypes, values };
}

function featureDType(dtype: string): DType {
  if (dtype === "int") return "int";
  if (dtype === "float" || dtype === "num") return "float";
  if (dtype === "bool") return "bool";
  if (dtype === "datetime") return "datetime";
  if (dtype === "date") return "date";
  if (dtype === "dict" || dtype.startsWith("list")) return "json";
  return "str";
}

/**
 * The frame's total, counted after its rows: a page that ended before its limit is the total itself
 * (no count at all), else the count stops at a bound unless asked for an exact one.
 */
async function frameTotal<T>(
  qs: QuerySet<T>,
  offset: number,
  limit: number | null,
  got: number,
  mode: "bounded" | "exact",
): Promise<{ total: number; exact: boolean }> {
  // the page's own LIMIT and OFFSET replaced the query's; with one of its own the count honours it
  const own = qs.query.limit !== undefined || qs.query.offset !== undefined;
  // at an offset, an empty page may lie past the end: then the rows before it are unknown
  if (!own && (limit === null || got < limit) && (got > 0 || offset === 0))
    return { total: offset + got, exact: true };
  if (mode === "exact") return { total: await qs.count(), exact: true };
  // the next multiple of the bound past the page's last row: "10,000+" rather than "10,100+"
  const bound = COUNT_BOUND * (Math.floor((offset + got) / COUNT_BOUND) + 1);
  const n = await qs.countUpTo(bound + 1);
  return n > bound ? { total: bound, exact: false } : { total: n, exact: true };
}

export async function toDataFrame<T>(qs: QuerySet<T>, options: ToDataFrameOptions): Promise<DataFrame> {
  const model = qs.registry.spec;
  const instance = await qs.resolveInstance();
  const include =
    options.include === undefined ? [] : Array.isArray(options.include) ? options.include : [options.include];
  const paths = columnNames(
    "include",
    "field paths",
    include.filter((i) => i !== "privates" && i !== "features"),
  );
  const privates = include.includes("privates");
  let features: true | string[] | false =
    options.features === true
      ? true
      : Array.isArray(options.features)
        ? columnNames("features", "feature names", options.features)
        : false;
  if (include.includes("features")) features = true;
  // LaminDB offers features for Artifact, Record and Run; only runs have feature links in this schema,
  // so artifact and record frames get the requested feature columns without values
  if (features !== false && !FEATURE_REGISTRIES.includes(model.name)) {
    throw new InvalidArgument(`${model.name} has no features to include`);
  }
  const limit = options.limit === undefined ? DEFAULT_DATAFRAME_LIMIT : options.limit;
  if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0))
    throw new InvalidArgument("limit needs a non-negative integer or null");
  const offset = options.offset ?? 0;
  const countMode = options.count ?? "bounded";
  if (countMode !== "bounded" && countMode !== "exact")
    throw new InvalidArgument('count takes "bounded" or "exact"');

  let columns = defaultColumns(model, privates);
  const related = paths.filter((p) => p.includes("__") || relationsOf(model).has(p));
  const simple = paths.filter((p) => !related.includes(p));
  for (const s of simple)
    if (!fieldOf(model, s)) throw FieldError.unknown(s, queryableNames(model), model.name);
  // LaminDB's first three columns are [uid, id, name]-like (its primary key second); here the primary
  // key is the index, so they are the first two columns
  const leading = Math.min(2, columns.length);
  if (paths.length > 0 || features !== false) {
    // with include or features LaminDB keeps the first three columns and the requested fields
    columns = [
      ...columns.slice(0, leading),
      ...columns.slice(leading).filter((c) => simple.includes(c.name)),
    ];
  }
  // order: the query's own, else order_by (ignored when it names no field), else -id
  let ordered = qs;
  if (!qs.isOrdered) {
    const orderBy = options.order_by ?? "-id";
    try {
      ordered = qs.orderBy(orderBy);
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      ordered = qs.orderBy("-id");
    }
  }
  const page = ordered.limit(limit).offset(offset);
  const pk = primaryKey(model).column;
  const computed: Array<{ name: string; dtype: DType }> = [];
  // a column as the frame shows it: timestamps as ISO text from SQL, which saves a Date per cell
  const cell = (alias: string, src: { column: string; type: FieldSpec["type"] }): Fragment => {
    const column = sql.col(alias, src.column);
    return src.type === "datetime"
      ? sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : column;
  };
  const sources = columns.map((c) => c.source as { column: string; type: FieldSpec["type"] });
  let ids: Array<number | string>;
  let values: unknown[][]; // per row: the frame's columns in `columns` order, then the includes
  if (related.length === 0) {
    // Rows as arrays of the frame's columns, by the driver's fastest path for many rows
    // (connection/array-rows.ts); bigints as the drivers read int8 (exact beyond 2^53 as text).
    // The primary key comes last: cut off, each row array is the frame's row (no second array per
    // row: 100,000 rows of survivors are what the young-generation GC spends its time copying).
    const q = compileSelect(model, page.query, {
      rowColumns: (alias) => [...sources.map((src) => cell(alias, src)), sql.col(alias, pk)],
    });
    // PGlite's raw path reads the timestamps in binary and writes to_char()'s text itself: to_char
    // cost PostgreSQL in WebAssembly more than the rest of the statement (issue 14)
    const datetime = sources.map((src) => src.type === "datetime");
    const raw = datetime.includes(true)
      ? {
          statement: compileSelect(model, page.query, {
            rowColumns: (alias) => [...sources.map((src) => sql.col(alias, src.column)), sql.col(alias, pk)],
          }),
          binaryColumns: [...datetime, false, ...page.query.annotations.map(() => false)],
        }
      : undefined;
    const rows = await qs.rawArrayRows(q, undefined, raw);
    const at = sources.length;
    ids = new Array<number | string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      ids[i] = fromDbValue("bigint", row[at]) as number | string;
      row.length = at;
    }
    values = rows;
  } else {
    const q = compileSelect(model, page.query, {
      rowColumns: (alias) => [
        sql.col(alias, pk),
        ...sources.map((src) =>
          src.type === "datetime"
            ? sql`${cell(alias, src)} AS ${sql.ident(src.column)}`
            : sql.col(alias, src.column),
        ),
      ],
      extra: (alias, aliases) =>
        related.map((p, i) => {
          const s = pathSelect(model, alias, p, aliases);
          computed.push({ name: p, dtype: s.dtype });
          return sql`${s.expr} AS ${sql.ident(`__include_${i}`)}`;
        }),
    });
    const rows = await qs.rawRows(q);
    ids = rows.map((r) => fromDbValue("bigint", r[pk]) as number | string);
    values = rows.map((r) => [
      ...sources.map((src) => r[src.column]),
      ...related.map((_, j) => r[`__include_${j}`]),
    ]);
  }
  const rows = values;
  const { total, exact } = await frameTotal(qs, offset, limit, rows.length, countMode);

  const out: DataFrame = {
    kind: "lamindb.dataframe",
    version: 1,
    registry: model.name,
    columns: [],
    dtypes: {},
    index: { name: pk, values: ids },
    rows: [],
    total,
    totalExact: exact,
    truncated: !exact || offset + rows.length < total,
    offset,
    limit,
  };
  // LaminDB moves the features to position 3 of [uid, id, ...], then inserts the included paths there
  const insertAt = Math.min(leading, columns.length);
  const names = columns.map((c) => c.name);
  const includeNames = computed.map((c) => c.name);
  let featureNames: string[] = [];
  let featureData: Awaited<ReturnType<typeof featureColumns>> | undefined;
  if (features !== false) {
    featureData = await featureColumns(instance, hasFeatures(model) ? ids : [], features);
    featureNames = featureData.names;
  }
  out.columns = [...names.slice(0, insertAt), ...includeNames, ...featureNames, ...names.slice(insertAt)];
  for (const c of columns) out.dtypes[c.name] = c.dtype;
  for (const c of computed) out.dtypes[c.name] = c.dtype;
  for (const f of featureNames) out.dtypes[f] = featureDType(featureData!.dtypes.get(f) ?? "");

  if (computed.length === 0 && featureNames.length === 0) {
    // the frame's columns are the rows' own, in their order: each row becomes the frame's row, its
    // cells converted only where a driver's value is not already the cell (int8 text, a date)
    const convert = sources.flatMap((src, j) => (AS_READ.has(src.type) ? [] : [j]));
    if (convert.length)
      for (const row of rows) for (const j of convert) row[j] = toCell(row[j], sources[j]!.type);
    out.rows = rows as JsonValue[][];
    return out;
  }
  // each output column's source, worked out once rather than through a Map per row
  const position = new Map<string, (row: unknown[], i: number) => JsonValue>();
  columns.forEach((c, j) => position.set(c.name, (row) => toCell(row[j], sources[j]!.type)));
  computed.forEach((c, j) => position.set(c.name, (row) => toCell(row[columns.length + j])));
  for (const f of featureNames) {
    const byRun = featureData!.values.get(f);
    position.set(f, (_row, i) => {
      const vs = byRun?.get(String(ids[i])) ?? [];
      return vs.length === 0 ? null : vs.length === 1 ? vs[0]! : vs;
    });
  }
  const readers = out.columns.map((name) => position.get(name) ?? (() => null));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const cells = new Array<JsonValue>(readers.length);
    for (let k = 0; k < readers.length; k++) cells[k] = readers[k]!(row, i);
    out.rows[i] = cells;
  }
  return out;
}
