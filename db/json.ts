import { ValidationError } from "./errors";
import type { JsonValue } from "./shapes";

/**
 * Checks that a value is plain JSON that PostgreSQL's jsonb can hold, and returns it typed. Rejects
 * what JSON.stringify would drop or change silently (undefined, functions, NaN, Dates, class
 * instances, cycles) and the NUL character, which jsonb refuses.
 */
export function assertJson(value: unknown, field: string, path = field, seen = new Set<object>()): JsonValue {
  const fail = (what: string): never => {
    throw new ValidationError(`${path} is ${what}, which JSON cannot hold; pass plain JSON values`, field);
  };
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") {
    if (value.includes("\u0000")) fail("a string with a NUL character");
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(String(value));
    return value;
  }
  if (typeof value !== "object")
    return fail(typeof value === "undefined" ? "undefined" : `a ${typeof value}`);
  if (seen.has(value)) return fail("a circular reference");
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v, i) => assertJson(v, field, `${path}[${i}]`, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return fail(
        value instanceof Date ? "a Date (use .toISOString())" : `a ${proto?.constructor?.name ?? "object"}`,
      );
    }
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) fail("an object with a NUL character in a key");
      out[k] = assertJson(v, field, `${path}.${k}`, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
