// What the server calls of db/'s query API beyond filters: search() with its score, describe(),
// toDataFrame(), lookupKey(), and a trigram "did you mean" that search() does not cover.
import * as dbApi from "../../db/index";
import type {
  DataFrame,
  Description,
  Instance,
  QuerySet,
  SQLRecord,
  ToDataFrameOptions,
} from "../../db/index";
import { likeEscape, sql, type Fragment } from "../../db/query/sql";
import { labelField, registry as registryNamed, type RegistryClassLike } from "./registries";

export { lookupKey } from "../../db/index";

export interface Scored {
  record: SQLRecord;
  score: number;
}

/**
 * The longest search term sent to the database: longer ones are cut to this. A name is rarely a tenth
 * of it, and a 20,000-character term kept two PostgreSQL backends busy for minutes (issue 13).
 */
export const MAX_SEARCH_TERM = 200;

export const capTerm = (term: string): string => term.slice(0, MAX_SEARCH_TERM);

interface SearchOptions {
  field?: string;
  limit?: number;
}

/** Registry.search(): LaminDB's ranked search, each record with its score. */
export async function search(
  reg: RegistryClassLike,
  query: string,
  options: SearchOptions = {},
): Promise<Scored[]> {
  const records = await reg.search(capTerm(query), { field: options.field, limit: options.limit ?? 20 });
  return records.map((record) => ({ record, score: Number(record.score) }));
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
  const statement = similarStatement(reg, query, await hasTrigram(instance), options);
  if (!statement) return [];
  const rows = await instance.rows(statement);
  return rows.map((row) => ({ record: reg.fromRow(row, instance), score: Number(row.score) }));
}

/** similar()'s statement (undefined for a field the registry lacks); exported for its plan's test. */
export function similarStatement(
  reg: RegistryClassLike,
  query: string,
  trgm: boolean,
  options: SearchOptions = {},
): Fragment | undefined {
  const limit = options.limit ?? 20;
  query = capTerm(query);
  const field = options.field ?? labelField(reg.spec);
  const column = reg.spec.fields.find((f) => f.name === field)?.column;
  if (!column) return undefined;
  const table = sql.ident(reg.spec.table);
  // The bare column, not lower(column): pg_trgm folds case itself and ILIKE ignores it, and only the
  // bare column matches the trigram indexes of 0002. With lower() every call scanned the table (~190 ms
  // of CPU at 100,000 ULabels), 97% of a 20-window team's database time (docs/scaling.md).
  const value = sql.ident(column);
  const contains = sql`${value} ILIKE ${`%${likeEscape(query)}%`}`;
  return trgm
    ? sql`SELECT *, similarity(${value}, ${query}) AS score FROM ${table} WHERE ${value} % ${query} OR ${contains} ORDER BY score DESC, ${value} LIMIT ${limit}`
    : sql`SELECT *, 1 AS score FROM ${table} WHERE ${contains} ORDER BY ${value} LIMIT ${limit}`;
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

/** record.describe(): the Description the renderer draws. */
export async function describe(record: SQLRecord, include?: "comments"): Promise<Description> {
  return record.describe(include ? { include } : {});
}

/** QuerySet.toDataFrame(). */
export function toDataFrame(qs: QuerySet<SQLRecord>, options: ToDataFrameOptions = {}): Promise<DataFrame> {
  return qs.toDataFrame(options);
}

export function registryByName(name: string): RegistryClassLike {
  const r = registryNamed(name);
  if (!r) throw new dbApi.InvalidArgument(`Unknown registry '${name}'`);
  return r;
}
