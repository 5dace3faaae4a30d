// The one place where the two drivers' differences are smoothed out, so callers never see them:
// - int8 (ids of bigint tables, count(*)): pg returns strings, PGlite numbers or BigInts.
// - date: both return a Date at UTC midnight; LaminDB users think of a date as "YYYY-MM-DD".
// - jsonb results: both parse them into JS values, so a string read is a JSON string, kept as is.
// - jsonb parameters: pg serialises a JS array as a PostgreSQL array literal, which jsonb rejects,
//   while PGlite accepts it; both accept JSON text, so JSON values are always bound as text.
import type { FieldSpec } from "../schema/fields";
import { assertJson } from "../json";

export const INT8_OID = 20;
export const DATE_OID = 1082;

export function parseInt8(text: string | number | bigint): number | string {
  const n = typeof text === "number" ? text : Number(text);
  // Beyond 2^53 a number loses digits: keep the exact decimal text rather than a wrong id.
  return Number.isSafeInteger(n) ? n : String(text);
}

export const parseDate = (text: string): string => text;

/** A count from either driver as a number. */
export function toCount(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  throw new Error(`internal: unexpected count ${String(value)}`);
}

/** Bind a value for a column of this field's type. */
export function toDbValue(field: Pick<FieldSpec, "type" | "name">, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === "json") return JSON.stringify(assertJson(value, field.name));
  return value;
}

/** Read a column value of this field's type from either driver. */
export function fromDbValue(type: FieldSpec["type"], value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "bigauto":
    case "bigint":
      return typeof value === "bigint" || typeof value === "string" ? parseInt8(value) : value;
    case "date":
      return value instanceof Date ? value.toISOString().slice(0, 10) : value;
    // json: both drivers parse jsonb already; a string here is a JSON string value ("My experiment
    // 1", "123"), never JSON text to parse again
    default:
      return value;
  }
}
