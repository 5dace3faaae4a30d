// JsonValue hashes as LaminDB computes them, so values written here and by LaminDB's Python client
// share rows: hash_string(str(value)) for scalars and lists, hash_string(json.dumps(value,
// sort_keys=True)) for dicts. This emulates Python's str() and json.dumps() on JSON values.
import { hashString } from "../hash";
import type { JsonValue } from "../shapes";

function pyFloat(n: number, asFloat: boolean): string {
  if (Number.isInteger(n) && !asFloat) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  // Python writes exponents with at least two digits: 1e-07, 1e+21
  return String(n).replace(/e([+-])(\d)$/, "e$10$2");
}

function pyStrLiteral(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(new RegExp(quote, "g"), `\\${quote}`);
  return `${quote}${body}${quote}`;
}

/** Python's repr() of a JSON value (as inside a list). */
function pyRepr(v: JsonValue, asFloat: boolean): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return pyFloat(v, asFloat);
  if (typeof v === "string") return pyStrLiteral(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, asFloat)).join(", ")}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${pyStrLiteral(k)}: ${pyRepr(x, asFloat)}`)
    .join(", ")}}`;
}

/** Python's str() of a JSON value; `asFloat` for features of dtype float, whose 1 is 1.0. */
export function pyStr(v: JsonValue, asFloat = false): string {
  return typeof v === "string" ? v : pyRepr(v, asFloat);
}

function jsonString(s: string): string {
  // json.dumps escapes non-ASCII characters (ensure_ascii=True)
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Python's json.dumps(value, sort_keys=True) with its default separators. */
export function pyJsonDumps(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return pyFloat(v, false);
  if (typeof v === "string") return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(", ")}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${jsonString(k)}: ${pyJsonDumps(v[k])}`).join(", ")}}`;
}

export function jsonValueHash(v: JsonValue, dtype: string): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) return hashString(pyJsonDumps(v));
  return hashString(pyStr(v, dtype === "float"));
}
