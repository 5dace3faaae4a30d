// describe, toDataFrame and its "load more" continuation, delete and restore.
import { InvalidArgument, type QuerySet, type SQLRecord } from "../../db/index";
import { describe, registryByName, toDataFrame } from "../data/query-api";
import type { Params as P, Result as R } from "../protocol";
import { parseParams } from "./params";

async function recordOf(registry: string, by: { id?: number; uid?: string }): Promise<SQLRecord> {
  const reg = registryByName(registry);
  if (by.id !== undefined) return reg.get(by.id);
  if (by.uid !== undefined) return reg.get(by.uid);
  throw new InvalidArgument("describe needs an id or a uid");
}

export async function describeRecord(p: P<"lamin/describe">): Promise<R<"lamin/describe">> {
  return describe(await recordOf(p.registry, p), p.include);
}

type FrameQuery = Omit<P<"lamin/toDataFrame">, "offset">;

export async function frame(p: P<"lamin/toDataFrame">): Promise<R<"lamin/toDataFrame">> {
  const reg = registryByName(p.registry);
  let qs = (
    p.filter && Object.keys(p.filter).length ? reg.filter(p.filter) : reg.filter({})
  ) as QuerySet<SQLRecord>;
  if (p.orderBy) qs = qs.orderBy(p.orderBy);
  const df = await toDataFrame(qs, {
    include: p.include,
    features: p.features,
    limit: p.limit,
    offset: p.offset ?? 0,
    ...(p.count !== undefined ? { count: p.count } : {}),
  });
  if (df.truncated && !df.next) {
    const query: FrameQuery = {
      registry: p.registry,
      filter: p.filter,
      include: p.include,
      features: p.features,
      limit: p.limit,
      orderBy: p.orderBy,
      count: p.count,
    };
    df.next = {
      token: Buffer.from(JSON.stringify(query)).toString("base64url"),
      offset: df.offset + df.rows.length,
    };
  }
  return df;
}

export async function loadMore(p: P<"lamin/loadMore">): Promise<R<"lamin/loadMore">> {
  let query: FrameQuery;
  try {
    query = JSON.parse(Buffer.from(p.token, "base64url").toString("utf8")) as FrameQuery;
  } catch {
    throw new InvalidArgument("Unknown load-more token");
  }
  // the token is the client's to forge: its query is checked as lamin/toDataFrame's params are
  let params: P<"lamin/toDataFrame">;
  try {
    params = parseParams("lamin/toDataFrame", { ...query, offset: p.offset });
  } catch {
    throw new InvalidArgument("Unknown load-more token");
  }
  return frame(params);
}

export async function deleteRecord(p: P<"lamin/delete">): Promise<R<"lamin/delete">> {
  await (await recordOf(p.registry, { id: p.id })).delete({ permanent: p.permanent });
  return { ok: true };
}

export async function restoreRecord(p: P<"lamin/restore">): Promise<R<"lamin/restore">> {
  await (await recordOf(p.registry, { id: p.id })).restore();
  return { ok: true };
}
