// The registries' static query methods are typed QuerySet<SQLRecord> by db/ today (its `this:`
// typing does not infer the subclass); these narrow them where the server needs the fields.
import { Run, Transform, type QuerySet, type SQLRecord } from "../../db/index";

export function typed<T extends SQLRecord>(qs: QuerySet<SQLRecord>): QuerySet<T> {
  return qs as unknown as QuerySet<T>;
}

export const runsAll = (): QuerySet<Run> => typed<Run>(Run.all());
export const runsScoped = (): QuerySet<Run> => typed<Run>(Run.filter({}));
export const transformsAll = (): QuerySet<Transform> => typed<Transform>(Transform.all());
export const transformsScoped = (): QuerySet<Transform> => typed<Transform>(Transform.filter({}));
