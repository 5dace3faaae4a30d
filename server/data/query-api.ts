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
import { labelField, registry as registryNamed, type RegistryClassLike } from "./registries";

export { lookupKey } from "../../db/index";

export interface Scored {
  record: SQLRecord;
  score: number;
}

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
  const ranked = reg as unknown as {
    search(q: string, o: SearchOptions): QuerySet<SQLRecord & { score: number }>;
  };
  const records = await ranked.search(query, { field: options.field, limit: options.limit ?? 20 });
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
