// The query-cell process limits (settings lamindb.queryCells.*), from initializationOptions and
// lamin/queryCellLimits. A value out of bounds or of the wrong type is refused with a message that
// names the setting, and the default holds: a typo in settings.json never disables the limit.
import { QUERY_CELL_LIMITS, type QueryCellLimits } from "../protocol";

export interface ParsedLimits {
  limits: Required<QueryCellLimits>;
  /** One sentence per refused value, for the user. */
  problems: string[];
}

const isObject = (v: unknown): v is { [key: string]: unknown } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every field checked; absent fields (and an absent object) take the defaults silently. */
export function parseQueryCellLimits(raw: unknown): ParsedLimits {
  const problems: string[] = [];
  if (raw !== undefined && !isObject(raw))
    problems.push(
      `queryCells is an object { timeoutSeconds, memoryMb }, not ${describe(raw)}: using the defaults`,
    );
  const fields = isObject(raw) ? raw : {};
  const limits: Required<QueryCellLimits> = { ...QUERY_CELL_LIMITS.defaults };
  for (const name of ["timeoutSeconds", "memoryMb"] as const) {
    const v = fields[name];
    if (v === undefined) continue;
    const { min, max, integer, unit } = QUERY_CELL_LIMITS[name];
    if (
      typeof v === "number" &&
      Number.isFinite(v) &&
      v >= min &&
      v <= max &&
      (!integer || Number.isInteger(v))
    )
      limits[name] = v;
    else
      problems.push(
        `lamindb.queryCells.${name} is ${integer ? "an integer" : "a number"} of ${unit} from ${min} to ${max}, ` +
          `not ${describe(v)}: using the default, ${QUERY_CELL_LIMITS.defaults[name]} ${unit}`,
      );
  }
  return { limits, problems };
}

function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
