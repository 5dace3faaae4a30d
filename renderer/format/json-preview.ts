// One-line previews of JSON values with a budget, so a huge object costs as much as a small one.
import type { JsonValue } from "../../db/shapes";

/** Compact JSON text of at most `max` characters, ending in "…" when cut. */
export function previewJson(value: JsonValue, max = 120): string {
  const out: string[] = [];
  let used = 0;
  const push = (s: string): boolean => {
    if (used >= max) return false;
    out.push(s);
    used += s.length;
    return used < max;
  };
  const walk = (v: JsonValue): boolean => {
    if (v === null || typeof v !== "object") return push(JSON.stringify(v) ?? "null");
    if (Array.isArray(v)) {
      if (!push("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(", ")) return false;
        if (!walk(v[i] as JsonValue)) return false;
      }
      return push("]");
    }
    if (!push("{")) return false;
    let first = true;
    for (const key of Object.keys(v)) {
      if (!first && !push(", ")) return false;
      first = false;
      if (!push(`${JSON.stringify(key)}: `)) return false;
      if (!walk(v[key] as JsonValue)) return false;
    }
    return push("}");
  };
  walk(value);
  const text = out.join("");
  return text.length > max || used >= max ? `${text.slice(0, max - 1)}…` : text;
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
