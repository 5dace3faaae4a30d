// The one place that calls the lead's query API (search, lookupKey, toDataFrame, describe). Each
// call prefers the db/ implementation when it exists and otherwise falls back to a small version
// built on what db/ already had, so adopting the real one is a change in this file only.
import * as dbApi from "../../db/index";
import type { DataFrame, Description, DType, Instance, QuerySet, SQLRecord } from "../../db/index";
import type { DescribeField, JsonObject, JsonValue } from "../../db/shapes";
import { DESCRIBE_MIME } from "../../db/index";
import { labelField, registry as registryNamed, type RegistryClassLike } from "./registries";
import { localLookupKey } from "./lookup-key";

type Fn = (...args: never[]) => unknown;
const api = dbApi as unknown as Record<string, unknown>;

export function lookupKey(value: string): string {
  const real = api.lookupKey as ((v: string) => string) | undefined;
  return typeof real === "function" ? real(value) : localLookupKey(value);
}

export interface Scored {
  record: SQLRecord;
  score: number;
}

interface SearchOptions {
  field?: string;
  limit?: number;
}

/** Registry.search(): LaminDB's ranked search; the fallback ranks by trigram similarity. */
export async function search(
  reg: RegistryClassLike,
  instance: Instance,
  query: string,
  options: SearchOptions = {},
): Promise<Scored[]> {
  const real = (reg as unknown as { search?: Fn }).search;
  const limit = options.limit ?? 20;
  if (typeof real === "function") {
    const qs = (real as (q: string, o: object) => QuerySet<SQLRecord>).call(reg, query, {
      field: options.field,
      limit,
    });
    const records = await qs;
    return records.map((r) => ({
      record: r,
      score: Number((r as unknown as { score?: number }).score ?? 0),
    }));
  }
  return similar(reg, instance, query, options);
}

/**
 * Trigram similarity (pg_trgm), for "did you mean": LaminDB's search() only finds values that contain
 * the query, so a typo ("Unknwn") finds nothing there.
 */
export async function similar(
  reg: RegistryClassLike,
  instance: Instance,
  query: string,
  options: SearchOptions = {},
): Promise<Scored[]> {
  const limit = options.limit ?? 20;
  const field = options.field ?? labelField(reg.spec);
  const column = reg.spec.fields.find((f) => f.name === field)?.column;
  if (!column) return [];
  const trgm = await hasTrigram(instance);
  const table = reg.spec.table;
  const sql = trgm
    ? `SELECT *, similarity(lower(??), lower(?)) AS score FROM ?? WHERE lower(??) % lower(?) OR lower(??) LIKE ? ORDER BY score DESC, ?? LIMIT ?`
    : `SELECT *, 1 AS score FROM ?? WHERE lower(??) LIKE ? ORDER BY ?? LIMIT ?`;
  const like = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const bindings = trgm
    ? [column, query, table, column, query, column, like, column, limit]
    : [table, column, like, column, limit];
  const rows = await instance.run(
    async (db) => (await db.raw(sql, bindings)).rows as Array<Record<string, unknown>>,
  );
  const cls = reg as unknown as { fromRow(row: Record<string, unknown>, i: Instance): SQLRecord };
  return rows.map((row) => ({ record: cls.fromRow(row, instance), score: Number(row.score) }));
}

const trigramKnown = new WeakMap<Instance, Promise<boolean>>();
function hasTrigram(instance: Instance): Promise<boolean> {
  let p = trigramKnown.get(instance);
  if (!p) {
    p = instance
      .run(
        async (db) => (await db.raw("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rows.length > 0,
      )
      .catch(() => false);
    trigramKnown.set(instance, p);
  }
  return p;
}

/** record.describe(): the Description; the fallback lists the record's columns. */
export async function describe(record: SQLRecord, include?: string): Promise<Description> {
  const real = (record as unknown as { describe?: Fn }).describe;
  if (typeof real === "function") {
    return (await (real as (o: object) => Promise<Description>).call(
      record,
      include ? { include } : {},
    )) as Description;
  }
  const spec = (record.constructor as unknown as RegistryClassLike).spec;
  const row = record.toJSON();
  const label = String(row[labelField(spec) ?? "uid"] ?? row.uid ?? row.id);
  const fields = Object.entries(row)
    .filter(([k]) => !k.startsWith("_"))
    .map(([name, v]): DescribeField => ({ name, value: toJson(v), dtype: dtypeOf(name, v) }));
  const status = spec.name === "Run" ? (record as unknown as { status: dbApi.RunStatus }).status : undefined;
  const text = [
    `${spec.name}: ${label}`,
    ...fields.map((f) => `  ${f.name}: ${f.value === null ? "" : String(f.value)}`),
  ].join("\n");
  return {
    kind: "lamindb.describe",
    version: 1,
    registry: spec.name,
    id: Number(row.id),
    uid: String(row.uid ?? ""),
    title: `${spec.name}: ${label}`,
    ...(status ? { status } : {}),
    fields,
    relations: [],
    params: (row.params as JsonObject | null) ?? null,
    features: [],
    artifacts: [],
    blocks: [],
    lineage: null,
    warnings: [],
    text,
  };
}

export interface FrameOptions {
  include?: string | string[];
  features?: boolean | string[];
  limit?: number | null;
  offset?: number;
  orderBy?: string;
}

/** QuerySet.toDataFrame(); the fallback tabulates the public columns. */
export async function toDataFrame(qs: QuerySet<SQLRecord>, options: FrameOptions = {}): Promise<DataFrame> {
  const real = (qs as unknown as { toDataFrame?: Fn }).toDataFrame;
  if (typeof real === "function")
    return (await (real as (o: object) => Promise<DataFrame>).call(qs, options)) as DataFrame;
  const limit = options.limit === undefined ? 20 : options.limit;
  const offset = options.offset ?? 0;
  let q = qs.isOrdered ? qs : qs.orderBy(options.orderBy ?? "-id");
  const total = await qs.count();
  q = q.offset(offset);
  if (limit !== null) q = q.limit(limit);
  const records = await q.toArray();
  const spec = (qs.registry as unknown as RegistryClassLike).spec;
  const columns = [
    "uid",
    ...spec.fields
      .map((f) => f.name)
      .filter((n) => n !== "id" && n !== "uid" && !n.startsWith("_") && n !== "updated_at"),
  ];
  const dtypes: Record<string, DType> = {};
  const rows = records.map((r) => {
    const row = r.toJSON();
    return columns.map((c) => {
      dtypes[c] ??= dtypeOf(c, row[c]);
      return toJson(row[c]);
    });
  });
  for (const c of columns) dtypes[c] ??= "str";
  return {
    kind: "lamindb.dataframe",
    version: 1,
    registry: spec.name,
    columns,
    dtypes,
    index: { name: "id", values: records.map((r) => Number(r.id)) },
    rows,
    total,
    truncated: offset + rows.length < total,
    offset,
    limit,
  };
}

function toJson(v: unknown): JsonValue {
  if (v instanceof Date) return v.toISOString();
  if (v === undefined) return null;
  return v as JsonValue;
}

function dtypeOf(name: string, v: unknown): DType {
  if (name === "uid") return "uid";
  if (v instanceof Date) return "datetime";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (v !== null && typeof v === "object") return "json";
  return "str";
}

export function registryByName(name: string): RegistryClassLike {
  const r = registryNamed(name);
  if (!r) throw new dbApi.InvalidArgument(`Unknown registry '${name}'`);
  return r;
}

export { DESCRIBE_MIME };
