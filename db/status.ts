import type { RunStatus } from "./shapes";
import { InvalidArgument } from "./errors";

// Run status codes as in LaminDB (the seed page): stored only as _status_code.
export const RUN_STATUS_CODES: Readonly<Record<RunStatus, number>> = {
  scheduled: -3,
  restarted: -2,
  started: -1,
  completed: 0,
  errored: 1,
  aborted: 2,
};
export const RUN_STATUSES = Object.keys(RUN_STATUS_CODES) as RunStatus[];

export function statusName(code: number): RunStatus {
  const found = RUN_STATUSES.find((s) => RUN_STATUS_CODES[s] === code);
  if (!found) throw new InvalidArgument(`Unknown run status code ${code}`);
  return found;
}

export function statusCode(name: unknown): number {
  if (typeof name === "string" && Object.hasOwn(RUN_STATUS_CODES, name))
    return RUN_STATUS_CODES[name as RunStatus];
  throw new InvalidArgument(
    `Invalid run status ${JSON.stringify(name)}. Valid statuses: ${RUN_STATUSES.join(", ")}`,
  );
}
