// Checks and converts the values of filter expressions before they are bound, so that a wrong
// value is a typed InvalidArgument rather than a driver error (or a silently wrong match).
import { InvalidArgument } from "../errors";
import { assertJson } from "../json";

export type ValueType = "int" | "bigint" | "text" | "bool" | "datetime" | "date" | "json";

interface Target {
  type: ValueType;
  name: string;
}

const INT_RANGE = { int: 2 ** 31, bigint: 2 ** 53 };

function scalar(t: Target, v: unknown, lookup: string): unknown {
  const bad = (what: string): never => {
    throw new InvalidArgument(`${t.name}${lookup === "exact" ? "" : `__${lookup}`}: ${what}`);
  };
  switch (t.type) {
    case "int":
    case "bigint": {
      const n = typeof v === "string" && /^-?\d{1,16}$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isSafeInteger(n))
        return bad(`expected an integer, got ${describe(v)}`);
      if (Math.abs(n) >= INT_RANGE[t.type]) return bad(`${n} is out of range`);
      return n;
    }
    case "text":
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
      if (typeof v !== "string") return bad(`expected a string, got ${describe(v)}`);
      if (v.includes("\u0000")) return bad("strings cannot contain NUL characters");
      return v;
    case "bool":
      if (typeof v !== "boolean") return bad(`expected true or false, got ${describe(v)}`);
      return v;
    case "datetime": {
      const d =
        v instanceof Date ? v : typeof v === "string" || typeof v === "number" ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime())) return bad(`expected a date-time, got ${describe(v)}`);
      return d;
    }
    case "date": {
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))) return v;
      return bad(`expected a YYYY-MM-DD date, got ${describe(v)}`);
    }
    case "json":
      return assertJson(v, t.name);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

export function coerceFilterValue(t: Target, value: unknown, lookup: string): unknown {
  switch (lookup) {
    case "isnull":
      if (typeof value !== "boolean") throw new InvalidArgument(`${t.name}__isnull needs true or false`);
      return value;
    case "in":
      if (!Array.isArray(value)) throw new InvalidArgument(`${t.name}__in needs an array`);
      if (value.length > 30_000) throw new InvalidArgument(`${t.name}__in takes at most 30,000 values`);
      return value.map((v) => scalar(t, v, lookup));
    case "range": {
      if (!Array.isArray(value) || value.length !== 2)
        throw new InvalidArgument(`${t.name}__range needs [low, high]`);
      return value.map((v) => scalar(t, v, lookup));
    }
    case "exact":
      if (value === null || value === undefined) {
        if (value === undefined) throw new InvalidArgument(`${t.name}: undefined is not a value; use null`);
        return t.type === "json" ? null : null;
      }
      return scalar(t, value, lookup);
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      if (t.type === "json") {
        if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "string") {
          if (typeof value === "string" && value.includes("\u0000")) break;
          return value;
        }
        throw new InvalidArgument(
          `${t.name}__${lookup} compares JSON numbers or strings, got ${describe(value)}`,
        );
      }
      return scalar(t, value, lookup);
    default:
      // text lookups: contains, startswith, regex, ...
      return scalar({ ...t, type: "text" }, value, lookup);
  }
  throw new InvalidArgument(`${t.name}__${lookup}: strings cannot contain NUL characters`);
}
