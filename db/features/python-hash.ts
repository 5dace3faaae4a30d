// JsonValue hashes as LaminDB computes them, so values written here and by LaminDB's Python client
// share rows: hash_string(str(value)) for scalars and lists, hash_string(json.dumps(value,
// sort_keys=True)) for dicts. This emulates Python's str() and json.dumps() on JSON values.
import { hashString } from "../hash";
import type { JsonValue } from "../shapes";

/**
 * Python's str()/repr() of a number: an integer-valued number is a Python int (all its digits) unless
 * `asFloat`; a float is the shortest round-trip digits (as JavaScript's), written in fixed notation
 * for decimal exponents -4 to 15 and otherwise as `1e-05`, `1.5e+16` (a sign and at least two digits).
 */
function pyFloat(n: number, asFloat: boolean): string {
  if (Number.isInteger(n) && !asFloat) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const [mantissa, exp] = n.toExponential().split("e");
  const e = Number(exp);
  if (e >= -4 && e < 16) {
    const fixed = Object.is(n, -0) ? "-0" : String(n); // JavaScript writes these ranges in fixed notation
    return fixed.includes(".") ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
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
