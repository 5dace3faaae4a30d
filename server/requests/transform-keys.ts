// lamin/transformKeys: the Transforms tree's first level, paged by transform KEY (not by version), so a
// key whose versions would span two pages of transforms is listed exactly once. Keys are ordered by
// their latest activity: the newest of their versions' creation and of their runs' starts.
import { MAIN_BRANCH_ID } from "../../db/schema/branches";
import { toCount } from "../../db/connection/normalise";
import { compileWhere } from "../../db/query/compiler";
import { sql } from "../../db/query/sql";
import { transformsAll, transformsScoped } from "../data/typed";
import type { Params, Result } from "../protocol";
import { transformSummary } from "../tracking/summaries";
import { pageSize } from "./page-size";

const iso = (d: unknown) => new Date(d as string | Date).toISOString();

export async function transformKeys(
  p: Params<"lamin/transformKeys">,
): Promise<Result<"lamin/transformKeys">> {
  const scoped = transformsScoped();
  // offset() and limit() validate (InvalidArgument) before any SQL is built
  const page = scoped.offset(p.offset).limit(pageSize(p.limit));
  const { alias, where } = compileWhere(scoped.registry.spec, scoped.query);
  const from = sql`FROM ${sql.ident("lamindb_transform")} ${sql.ident(alias)} WHERE ${where}`;
  const columns = sql.join(["id", "key", "created_at"].map((c) => sql.col(alias, c)));
  const keys = await scoped.rawRows(
    sql`WITH v AS (SELECT ${columns} ${from}),
      r AS (SELECT transform_id, max(started_at) AS last_run FROM lamindb_run
            WHERE branch_id = ${MAIN_BRANCH_ID} AND transform_id IN (SELECT id FROM v) GROUP BY transform_id),
      k AS (SELECT v.key, count(*) AS versions, GREATEST(max(v.created_at), max(r.last_run)) AS activity
            FROM v LEFT JOIN r ON r.transform_id = v.id GROUP BY v.key)
      SELECT k.key, k.versions, k.activity,
        (SELECT v2.id FROM v v2 WHERE v2.key = k.key ORDER BY v2.created_at DESC, v2.id DESC LIMIT 1) AS latest_id
      FROM k ORDER BY k.activity DESC, k.key ASC LIMIT ${page.limitValue} OFFSET ${page.offsetValue}`,
  );
  const [counted] = await scoped.rawRows(sql`SELECT count(DISTINCT ${sql.col(alias, "key")}) AS n ${from}`);
  const latest = keys.length
    ? await transformsAll()
        .filter({ id__in: keys.map((k) => Number(k.latest_id)) })
        .toArray()
    : [];
  const byId = new Map(latest.map((t) => [Number(t.id), transformSummary(t)]));
  const items = keys.map((k) => {
    const newest = byId.get(Number(k.latest_id))!;
    return {
      key: String(k.key),
      kind: newest.kind,
      versions: toCount(k.versions),
      latest: newest,
      activity: iso(k.activity),
    };
  });
  return { items, total: toCount(counted.n), offset: p.offset };
}
