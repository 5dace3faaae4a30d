// One-line previews of JSON values with a budget, so a huge object costs as much as a small one.
import type { JsonValue } from "../../db/shapes";

/** Compact JSON text of at most `max` characters, ending in "…" when cut. */
export function previewJson(value: JsonValue, max = 120): string {
  // String concatenation with an early exit: fast for the many small cells, bounded for huge ones.
  let out = "";
  const walk = (v: JsonValue): boolean => {
    if (out.length > max) return false;
    if (v === null) out += "null";
    else if (typeof v === "string") out += JSON.stringify(v.length > max ? v.slice(0, max) : v);
    else if (typeof v !== "object") out += String(v);
    else if (Array.isArray(v)) {
      out += "[";
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ", ";
        if (!walk(v[i] as JsonValue)) return false;
      }
      out += "]";
    } else {
      out += "{";
      let first = true;
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        if (!first) out += ", ";
        first = false;
        out += `${JSON.stringify(key)}: `;
        if (!walk(v[key] as JsonValue)) return false;
      }
      out += "}";
    }
    return out.length <= max;
  };
  const complete = walk(value);
  return complete && out.length <= max ? out : `${out.slice(0, max - 1)}…`;
}

/** "{3 keys}" / "[12 items]": the size of a container at a glance. */
export function jsonSummary(value: JsonValue): string {
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? "" : "s"}`;
  if (value !== null && typeof value === "object") {
    const n = Object.keys(value).length;
    return `${n} key${n === 1 ? "" : "s"}`;
  }
  return "";
}

/** Pretty-printed JSON for the expanded view, cut at `maxChars` so a 50 MB cell cannot freeze the page. */
export function prettyJson(value: JsonValue, maxChars = 200_000): { text: string; cut: boolean } {
  const text = JSON.stringify(value, null, 2) ?? "null";
  if (text.length <= maxChars) return { text, cut: false };
  return { text: text.slice(0, maxChars), cut: true };
}
