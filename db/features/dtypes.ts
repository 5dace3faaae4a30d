// Feature dtypes as LaminDB writes them (Feature._dtype_str), and checking values against them.
import { ValidationError } from "../errors";
import { assertJson } from "../json";
import type { JsonValue } from "../shapes";

/** "cat[Record]", "cat[Record[CellType]]" -> "Record"; undefined for simple dtypes. */
export function categoricalRegistry(dtype: string): string | undefined {
  const m = /^cat\[(\w+)/.exec(dtype);
  return m?.[1];
}

/** A dtype to suggest for a value that has no feature yet. */
export function suggestDtype(value: unknown): string {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return /^\d{4}-\d{2}-\d{2}$/.test(value) ? "date" : "str";
  if (value instanceof Date) return "datetime";
  if (Array.isArray(value)) return `list[${value.length ? suggestDtype(value[0]) : "str"}]`;
  return "dict";
}

/** Checks a simple (non-categorical) value against its feature's dtype; returns the JSON to store. */
export function checkFeatureValue(name: string, dtype: string, value: unknown): JsonValue {
  const fail = (): never => {
    throw new ValidationError(
      `Feature '${name}' has dtype ${dtype}; ${JSON.stringify(value) ?? String(value)} does not fit`,
      name,
    );
  };
  const list = /^list\[(.+)\]$/.exec(dtype);
  if (list) {
    if (!Array.isArray(value)) return fail();
    return value.map((v) => checkFeatureValue(name, list[1], v));
  }
  switch (dtype) {
    case "int":
      return Number.isSafeInteger(value) ? (value as number) : fail();
    case "float":
    case "num":
      return typeof value === "number" && Number.isFinite(value) ? value : fail();
    case "str":
      return typeof value === "string" ? assertJson(value, name) : fail();
    case "bool":
      return typeof value === "boolean" ? value : fail();
    case "date":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : fail();
    case "datetime":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? value : fail();
    case "dict":
      return value !== null && typeof value === "object" && !Array.isArray(value)
        ? assertJson(value, name)
        : fail();
    default:
      return assertJson(value, name); // dtypes this library does not interpret are stored as JSON
  }
}
