// pandas' Table Schema bundle (`pd.options.display.html.table_schema = True`) -> TableModel.
// pandas puts the index in `data` too and names it in primaryKey; that column is pinned like ours.
import { isRunStatus, type DataResource, type DType, type JsonValue } from "../../db/shapes";
import type { Column, TableModel } from "./model";

export function isDataResource(raw: unknown): raw is DataResource {
  if (typeof raw !== "object" || raw === null) return false;
  const r = raw as Partial<DataResource>;
  return (
    typeof r.schema === "object" &&
    r.schema !== null &&
    Array.isArray(r.schema.fields) &&
    Array.isArray(r.data)
  );
}

function mapType(type: string, name: string, values: JsonValue[]): DType {
  const sample = values.filter((v) => v !== null && v !== undefined).slice(0, 200);
  switch (type) {
    case "integer":
      return "int";
    case "number":
      return "float";
    case "boolean":
      return "bool";
    case "datetime":
      return "datetime";
    case "date":
      return "date";
    case "object":
    case "array":
      return "json";
    default: {
      if (sample.some((v) => typeof v === "object")) return "json";
      const lower = name.toLowerCase();
      if (sample.length && sample.every((v) => typeof v === "string")) {
        if (lower === "uid" || lower.endsWith("_uid")) return "uid";
        if (lower === "status" && sample.every(isRunStatus)) return "status";
      }
      return "str";
    }
  }
}

export function fromDataResource(resource: DataResource): TableModel {
  const fields = resource.schema.fields.filter((f) => f && typeof f.name === "string");
  const pk = resource.schema.primaryKey;
  const keys = (Array.isArray(pk) ? pk : typeof pk === "string" ? [pk] : []).filter((k) =>
    fields.some((f) => f.name === k),
  );
  const dataFields = fields.filter((f) => !keys.includes(f.name));
  const data = resource.data.filter(
    (d): d is Record<string, JsonValue> => typeof d === "object" && d !== null,
  );

  const columns: Column[] = dataFields.map((f) => ({
    name: f.name,
    dtype: mapType(
      String(f.type ?? "any"),
      f.name,
      data.slice(0, 200).map((d) => d[f.name] ?? null),
    ),
  }));
  const rows = data.map((d) => dataFields.map((f) => d[f.name] ?? null));
  // A MultiIndex becomes one pinned column whose values join the levels.
  const values = data.map((d, i) => {
    if (keys.length === 0) return i;
    if (keys.length === 1) {
      const v = d[keys[0] as string];
      return typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v ?? null);
    }
    return keys.map((k) => String(d[k] ?? "")).join(" · ");
  });
  const indexField = keys.length === 1 ? fields.find((f) => f.name === keys[0]) : undefined;
  const indexDtype: DType = indexField
    ? mapType(String(indexField.type ?? "any"), indexField.name, values)
    : "int";
  return {
    registry: null,
    columns,
    index: {
      name: keys.length === 1 && keys[0] === "index" ? "" : keys.join(", "),
      dtype: indexDtype === "json" ? "str" : indexDtype,
      values,
    },
    rows,
    total: rows.length,
    totalExact: true,
    truncated: false,
    next: null,
  };
}
