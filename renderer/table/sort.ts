// Type-aware, stable sorting. Returns a permutation of row numbers; the model itself never moves,
// so selection, expansion and "load more" keep referring to the same rows.
import { RUN_STATUS_CODES, isRunStatus, type JsonValue } from "../../db/shapes";
import { previewJson } from "../format/json-preview";
import { cellValue, columnDType, type TableModel } from "./model";

export type SortDirection = "asc" | "desc";
export interface SortState {
  column: number; // -1 = index
  direction: SortDirection;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

type Key = number | string | null;

function sortKey(value: JsonValue, dtype: string): Key {
  if (value === null || value === undefined) return null;
  switch (dtype) {
    case "int":
    case "float":
      if (typeof value === "number") return Number.isNaN(value) ? null : value;
      if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
        return Number(value);
      return String(value);
    case "bool":
      return value === true ? 1 : value === false ? 0 : String(value);
    case "datetime": {
      const ms = typeof value === "string" ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? String(value) : ms;
    }
    case "status":
      return isRunStatus(value) ? RUN_STATUS_CODES[value] : String(value);
    case "json":
    case "set":
      return typeof value === "object" ? previewJson(value, 200) : String(value);
    default:
      return typeof value === "number" ? value : String(value);
  }
}

/** Numbers before strings, nulls handled by the caller (always last). */
function compareKeys(a: number | string, b: number | string, plain: boolean): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  if (plain) return a < b ? -1 : a > b ? 1 : 0;
  return collator.compare(a, b);
}

/** Row numbers ordered by `sort`; null sorts last in both directions, ties keep their original order. */
export function sortRows(model: TableModel, sort: SortState | null): number[] {
  const n = model.rows.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!sort) return order;
  const dtype = columnDType(model, sort.column);
  // uids are base62 codes: plain code-unit order is right for them and much faster than a collator.
  const plain = dtype === "uid";
  const keys: Key[] = new Array<Key>(n);
  for (let i = 0; i < n; i++) keys[i] = sortKey(cellValue(model, i, sort.column), dtype);
  const sign = sort.direction === "asc" ? 1 : -1;
  order.sort((x, y) => {
    const a = keys[x] as Key;
    const b = keys[y] as Key;
    if (a === null || b === null) {
      if (a === b) return x - y;
      return a === null ? 1 : -1;
    }
    return sign * compareKeys(a, b, plain) || x - y;
  });
  return order;
}

/** The header's click cycle: none -> ascending -> descending -> none. */
export function nextSort(current: SortState | null, column: number): SortState | null {
  if (!current || current.column !== column) return { column, direction: "asc" };
  if (current.direction === "asc") return { column, direction: "desc" };
  return null;
}
