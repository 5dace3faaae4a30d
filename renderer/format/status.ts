// Run statuses in LaminDB's lifecycle order (status codes -3..2), used for badges and for sorting.
import type { RunStatus } from "../../db/shapes";

export const STATUS_ORDER: Record<RunStatus, number> = {
  scheduled: -3,
  restarted: -2,
  started: -1,
  completed: 0,
  errored: 1,
  aborted: 2,
};

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(STATUS_ORDER, value);
}
