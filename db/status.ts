// Run statuses by name and by code (the table lives in shapes.ts, which the renderers share).
import { isRunStatus, RUN_STATUS_CODES, RUN_STATUSES, type RunStatus } from "./shapes";
import { InvalidArgument } from "./errors";

export { RUN_STATUS_CODES, RUN_STATUSES };

export function statusName(code: number): RunStatus {
  const found = RUN_STATUSES.find((s) => RUN_STATUS_CODES[s] === code);
  if (!found) throw new InvalidArgument(`Unknown run status code ${code}`);
  return found;
}

export function statusCode(name: unknown): number {
  if (isRunStatus(name)) return RUN_STATUS_CODES[name];
  throw new InvalidArgument(
    `Invalid run status ${JSON.stringify(name)}. Valid statuses: ${RUN_STATUSES.join(", ")}`,
  );
}
