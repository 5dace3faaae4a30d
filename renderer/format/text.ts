// Plain-text forms of a value: what is shown (display) and what is copied (raw, lossless).
import type { DType, JsonValue } from "../../db/shapes";
import { formatLocalDateTime } from "./datetime";
import { previewJson } from "./json-preview";
import { formatNumber } from "./number";

/** Text as displayed in a cell or field (one line). */
export function displayText(value: JsonValue | undefined, dtype: DType | string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value, dtype);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") {
    if (dtype === "datetime") return formatLocalDateTime(value) ?? value;
    return value;
  }
  if (dtype === "set" && Array.isArray(value)) {
    return value
      .map((v) => (v !== null && typeof v === "object" ? previewJson(v, 60) : displayText(v, "str")))
      .join(", ");
  }
  return previewJson(value);
}

/** Text for the clipboard: strings as they are, numbers unrounded, containers as compact JSON. */
export function rawText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
