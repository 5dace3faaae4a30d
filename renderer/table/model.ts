// The one internal table model. Both MIME types (LaminDB's DataFrame and pandas' Table Schema
// bundle) convert into it, so sorting, filtering, copying and drawing exist once.
import type { DataFrame, DType, JsonValue } from "../../db/shapes";

export interface Column {
  name: string;
  dtype: DType;
}

export interface TableModel {
  registry: string | null;
  columns: Column[]; // without the index
  index: { name: string; dtype: DType; values: Array<number | string> };
  rows: JsonValue[][]; // aligned with columns; rows[i] belongs to index.values[i]
  total: number; // rows that exist (may exceed rows.length), or a lower bound of them
  totalExact: boolean; // false: more than `total` rows exist (the producer's count stopped there)
  truncated: boolean;
  next: { token: string; offset: number } | null;
}

const DTYPES: ReadonlySet<string> = new Set([
  "int",
  "float",
  "str",
  "bool",
  "datetime",
  "date",
  "json",
  "uid",
  "status",
  "set",
]);

function asDType(value: unknown, fallback: DType): DType {
  return typeof value === "string" && DTYPES.has(value) ? (value as DType) : fallback;
}

/** Guesses a dtype from the values when the producer did not say (or said something unknown). */
export function inferDType(rows: JsonValue[][], col: number): DType {
  let seen = 0;
  let kind: DType | null = null;
  for (let r = 0; r < rows.length && seen < 200; r++) {
    const v = rows[r]?.[col];
    if (v === null || v === undefined) continue;
    seen++;
    const k: DType =
      typeof v === "number"
        ? Number.isInteger(v)
          ? "int"
          : "float"
        : typeof v === "boolean"
          ? "bool"
          : typeof v === "string"
            ? "str"
            : "json";
    if (kind === null) kind = k;
    else if (kind !== k)
      kind =
        kind === "int" && k === "float"
          ? "float"
          : kind === "float" && k === "int"
            ? "float"
            : k === "json" || kind === "json"
              ? "json"
              : "str";
  }
  return kind ?? "str";
}

export function isDataFrame(raw: unknown): raw is DataFrame {
  if (typeof raw !== "object" || raw === null) return false;
  const f = raw as Partial<DataFrame>;
  return Array.isArray(f.columns) && Array.isArray(f.rows);
}

/** LaminDB's DataFrame -> TableModel, tolerant of missing optional parts. */
export function fromDataFrame(frame: DataFrame): TableModel {
  // Reuse the parsed arrays: copying 100,000 rows would cost more than the first paint itself.
  const rows = frame.rows;
  for (let i = 0; i < rows.length; i++) if (!Array.isArray(rows[i])) rows[i] = [];
  const columns: Column[] = frame.columns.map((name, i) => ({
    name: String(name),
    dtype: asDType(frame.dtypes?.[name], inferDType(rows, i)),
  }));
  const given = Array.isArray(frame.index?.values) ? frame.index.values : [];
  const offset = typeof frame.offset === "number" ? frame.offset : 0;
  let values = given as Array<number | string>;
  if (given.length !== rows.length || given.some((v) => typeof v !== "number" && typeof v !== "string")) {
    values = rows.map((_, i) => {
      const v = given[i];
      return typeof v === "number" || typeof v === "string" ? v : offset + i;
    });
  }
  let indexDtype: DType = "int";
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== "number") {
      indexDtype = "str";
      break;
    }
  }
  const total = typeof frame.total === "number" ? Math.max(frame.total, rows.length) : rows.length;
  return {
    registry: frame.registry ?? null,
    columns,
    index: { name: frame.index?.name ?? "", dtype: indexDtype, values },
    rows,
    total,
    // only an explicit false: frames of other producers (and older servers) carry exact totals
    totalExact: frame.totalExact !== false,
    truncated: Boolean(frame.truncated),
    next:
      frame.next && typeof frame.next.token === "string"
        ? { token: frame.next.token, offset: frame.next.offset }
        : null,
  };
}

/** Appends a page that arrived through "load more"; columns are matched by name, not position. */
export function appendFrame(model: TableModel, page: DataFrame): number {
  const pageModel = fromDataFrame(page);
  const positions = model.columns.map((c) => pageModel.columns.findIndex((p) => p.name === c.name));
  for (let i = 0; i < pageModel.rows.length; i++) {
    const src = pageModel.rows[i] ?? [];
    model.rows.push(positions.map((p) => (p >= 0 ? (src[p] ?? null) : null)));
    model.index.values.push(pageModel.index.values[i] ?? model.index.values.length);
  }
  if (model.index.dtype === "int" && pageModel.index.dtype !== "int") model.index.dtype = "str";
  model.total = Math.max(pageModel.total, model.rows.length);
  model.totalExact = pageModel.totalExact;
  model.truncated = pageModel.truncated;
  model.next = pageModel.next;
  return pageModel.rows.length;
}

/** Cell value for a column position, where -1 is the index. */
export function cellValue(model: TableModel, row: number, col: number): JsonValue {
  if (col < 0) return model.index.values[row] ?? null;
  return model.rows[row]?.[col] ?? null;
}

export function columnDType(model: TableModel, col: number): DType {
  return col < 0 ? model.index.dtype : (model.columns[col]?.dtype ?? "str");
}
