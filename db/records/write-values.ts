// Validates a record's values before they are written: a wrong value is a ValidationError naming
// the field, and nothing reaches the database.
import { ValidationError } from "../errors";
import { assertJson } from "../json";
import type { FieldSpec, ForeignKeySpec } from "../schema/fields";

const INT_LIMITS: Partial<Record<FieldSpec["type"], number>> = {
  smallint: 2 ** 15,
  smallauto: 2 ** 15,
  int: 2 ** 31,
  auto: 2 ** 31,
  bigint: 2 ** 53,
  bigauto: 2 ** 53,
};

// module-level rather than a closure per call: save() checks every field of every record
function failField(f: FieldSpec, registry: string, why: string): never {
  throw new ValidationError(`${registry}.${f.name} ${why}`, f.name);
}

/** Returns the value to bind, or throws ValidationError. `undefined` means "leave to the database". */
export function checkFieldValue(f: FieldSpec, value: unknown, registry: string): unknown {
  if (value === undefined) return undefined;
  if (value === null) {
    if (!f.null) failField(f, registry, "cannot be null");
    return null;
  }
  switch (f.type) {
    case "char":
    case "text":
      if (typeof value !== "string") return failField(f, registry, `must be a string, got ${typeof value}`);
      if (value.includes("\u0000")) failField(f, registry, "cannot contain NUL characters");
      // UTF-16 length bounds the character count from above: spread only a string that may be too long
      if (f.maxLength !== undefined && value.length > f.maxLength && [...value].length > f.maxLength) {
        failField(f, registry, `is at most ${f.maxLength} characters, got ${[...value].length}`);
      }
      return value;
    case "bool":
      if (typeof value !== "boolean") failField(f, registry, `must be true or false, got ${typeof value}`);
      return value;
    case "datetime": {
      const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
      if (!d || Number.isNaN(d.getTime())) failField(f, registry, "must be a Date or an ISO 8601 string");
      return d;
    }
    case "date":
      if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)))
        return value;
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
      return failField(f, registry, "must be a YYYY-MM-DD string");
    case "json":
      return JSON.stringify(assertJson(value, f.name, `${registry}.${f.name}`));
    default: {
      const limit = INT_LIMITS[f.type] ?? 2 ** 53;
      if (typeof value !== "number" || !Number.isSafeInteger(value) || Math.abs(value) >= limit) {
        failField(f, registry, `must be an integer within range, got ${String(value)}`);
      }
      return value;
    }
  }
}

export function checkForeignKeyValue(fk: ForeignKeySpec, value: unknown, registry: string): unknown {
  if (value === undefined) return undefined;
  if (value === null) {
    if (!fk.null && fk.dbDefault === undefined) {
      throw new ValidationError(`${registry}.${fk.name} is required`, fk.name);
    }
    return fk.null ? null : undefined;
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new ValidationError(
      `${registry}.${fk.column} must be an integer id, got ${String(value)}`,
      fk.column,
    );
  }
  return value;
}
