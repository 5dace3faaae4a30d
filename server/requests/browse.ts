// Paged lists for the sidebar: runs, transforms (versions), registry records and counts. Transform keys
// are paged in transform-keys.ts.
import type { QuerySet, SQLRecord } from "../../db/index";
import { runsAll, runsScoped, transformsScoped } from "../data/typed";
import { labelField, LN_REGISTRIES } from "../data/registries";
import { registryByName, search } from "../data/query-api";
import type { Params as P, RecordSummary, Result as R } from "../protocol";
import { runSummaries, runSummary, transformSummary } from "../tracking/summaries";
import { pageOf } from "./page-size";

export async function runs(p: P<"lamin/runs">): Promise<R<"lamin/runs">> {
  const { offset, limit } = pageOf(p);
  let qs = p.includeTrash ? runsAll() : runsScoped();
  if (p.status?.length) qs = qs.filter({ status__in: p.status });
  if (p.transformId !== undefined) qs = qs.filter({ transform_id: p.transformId });
  const pageQs = qs.orderBy("-started_at", "-id").offset(offset).limit(limit);
  const [total, page] = await Promise.all([qs.count(), pageQs.toArray()]);
  return { items: await runSummaries(page), total, offset };
}

export async function run(p: P<"lamin/run">): Promise<R<"lamin/run">> {
  const found =
    "id" in p ? await runsAll().filter({ id: p.id }).first() : await runsAll().filter({ uid: p.uid }).first();
  return found ? runSummary(found) : null;
}

export async function transforms(p: P<"lamin/transforms">): Promise<R<"lamin/transforms">> {
  const { offset, limit } = pageOf(p);
  const qs = p.key ? transformsScoped().filter({ key: p.key }) : transformsScoped();
  const pageQs = qs.orderBy("-created_at", "-id").offset(offset).limit(limit);
  const [total, page] = await Promise.all([qs.count(), pageQs.toArray()]);
  return { items: page.map(transformSummary), total, offset };
}

export async function registryCounts(): Promise<R<"lamin/registryCounts">> {
  return Promise.all(
    LN_REGISTRIES.map(async (name) => ({
      registry: name,
      count: await registryByName(name).filter({}).count(),
    })),
  );
}

export function recordSummary(registry: string, r: SQLRecord, score?: number): RecordSummary {
  const row = r as unknown as Record<string, unknown>;
  const spec = registryByName(registry).spec;
  const lf = labelField(spec);
  return {
    registry,
    id: Number(r.id),
    uid: String(row.uid ?? ""),
    label: String((lf && row[lf]) ?? row.uid ?? r.id),
    description: typeof row.description === "string" ? row.description : null,
    ...(score !== undefined ? { score } : {}),
  };
}

export async function records(p: P<"lamin/records">): Promise<R<"lamin/records">> {
  const { offset, limit } = pageOf(p);
  const reg = registryByName(p.registry);
  if (p.search) {
    const found = await search(reg, p.search, { limit: offset + limit });
    const items = found.slice(offset).map((s) => recordSummary(p.registry, s.record, s.score));
    return { items, total: found.length, offset };
  }
  const qs = reg.filter({}) as QuerySet<SQLRecord>;
  const pageQs = qs.orderBy("-id").offset(offset).limit(limit);
  const [total, page] = await Promise.all([qs.count(), pageQs.toArray()]);
  return { items: page.map((r) => recordSummary(p.registry, r)), total, offset };
}

export async function searchRecords(p: P<"lamin/search">): Promise<R<"lamin/search">> {
  const found = await search(registryByName(p.registry), p.query, {
    field: p.field,
    limit: p.limit ?? 20,
  });
  return found.map((s) => recordSummary(p.registry, s.record, s.score));
}
