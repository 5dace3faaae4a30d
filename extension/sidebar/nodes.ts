// The trees' elements as plain data: what the server sent, plus, for "Load more…", the paged list and
// its next offset. tree-items.ts draws them; paged-children.ts fetches a page of them.
import type { RunStatus } from "../../db/shapes";
import type { RecordSummary, RunSummary, TransformKeySummary, TransformSummary } from "../../server/protocol";

/** Which runs a page lists: the view's filter plus the group it sits in. */
export interface RunScope {
  status?: RunStatus[];
  transformId?: number;
  includeTrash?: boolean;
}

/** Where a run row sits, which decides its label (under a transform: its start time). */
export type RunGrouping = "transform" | "status" | "none";

export type TreeNode =
  | { kind: "run"; run: RunSummary; grouped: RunGrouping }
  | { kind: "more"; list: PagedList; offset: number; total: number }
  | { kind: "status"; status: RunStatus; count: number; scope: RunScope }
  | { kind: "transformGroup"; transform: TransformSummary; scope: RunScope }
  | { kind: "key"; key: TransformKeySummary }
  | { kind: "version"; transform: TransformSummary }
  | { kind: "registry"; registry: string; count: number }
  | { kind: "record"; record: RecordSummary }
  | { kind: "message"; text: string; detail?: string; waiting?: boolean };

export const PAGE = 100;

/** A list the trees page through: what to ask the server for. */
export type PagedList =
  | { of: "runs"; scope: RunScope; grouped: RunGrouping }
  | { of: "transformGroups"; scope: RunScope } // versions as groups of the Runs tree
  | { of: "transformKeys" }
  | { of: "versions"; key: string }
  | { of: "records"; registry: string };
