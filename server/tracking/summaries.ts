// RunSummary / TransformSummary for the protocol, with the users' handles fetched in one query.
import { User, type Run, type Transform } from "../../db/index";
import { transformsAll } from "../data/typed";
import type { RunSummary, TransformSummary } from "../protocol";
import { auxOf } from "./run-state";

const iso = (d: Date | string | null | undefined) =>
  d == null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString();

export function transformSummary(t: Transform): TransformSummary {
  return {
    id: Number(t.id),
    uid: t.uid,
    key: t.key,
    kind: t.kind,
    version: t.version_tag ?? t.uid.slice(-4),
    is_latest: t.is_latest,
    created_at: iso(t.created_at)!,
  };
}

export async function runSummaries(runs: Run[]): Promise<RunSummary[]> {
  if (runs.length === 0) return [];
  const transformIds = [...new Set(runs.map((r) => r.transform_id))];
  const userIds = [...new Set(runs.map((r) => r.created_by_id))];
  const [transforms, users] = await Promise.all([
    transformsAll().filter({ id__in: transformIds }).toArray(),
    User.all().filter({ id__in: userIds }).toArray(),
  ]);
  const tById = new Map(transforms.map((t) => [Number(t.id), t]));
  const handle = new Map(users.map((u) => [Number(u.id), u.handle]));
  return runs.map((r) => ({
    id: Number(r.id),
    uid: r.uid,
    name: r.name,
    status: r.status,
    started_at: iso(r.started_at)!,
    finished_at: iso(r.finished_at),
    branch_id: r.branch_id,
    created_by: handle.get(r.created_by_id) ?? String(r.created_by_id),
    transform: transformSummary(tById.get(r.transform_id)!),
    ...trackedBy(r),
  }));
}

export async function runSummary(run: Run): Promise<RunSummary> {
  return (await runSummaries([run]))[0];
}

/** The summary of a run whose transform and creator's handle the caller already has: no query. */
export function knownRunSummary(run: Run, transform: Transform, handle: string): RunSummary {
  return {
    id: Number(run.id),
    uid: run.uid,
    name: run.name,
    status: run.status,
    started_at: iso(run.started_at)!,
    finished_at: iso(run.finished_at),
    branch_id: run.branch_id,
    created_by: handle,
    transform: transformSummary(transform),
    ...trackedBy(run),
  };
}

/** LaminDB's own run, adopted by the extension (server/tracking/adoption.ts). */
function trackedBy(run: Run): Pick<RunSummary, "trackedBy"> {
  return auxOf(run)?.adopted ? { trackedBy: "lamindb" } : {};
}
