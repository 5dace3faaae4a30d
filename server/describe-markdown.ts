// A Description as hover Markdown: the title, the two-column field table, params.
import type { Description, JsonValue } from "../db/shapes";

function cell(v: JsonValue): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 80);
}

export function describeMarkdown(d: Description): string {
  const lines = [`**${d.title.replace(/[*_`]/g, (c) => `\\${c}`)}**`, ""];
  const fields = d.fields.filter((f) => f.value !== null && f.value !== "").slice(0, 16);
  if (fields.length) {
    lines.push("| | |", "|---|---|");
    for (const f of fields) lines.push(`| ${f.name} | ${cell(f.value)} |`);
  }
  const params = d.params;
  if (params !== null && typeof params === "object" && !Array.isArray(params) && Object.keys(params).length) {
    lines.push("", "**Params**", "");
    for (const [k, v] of Object.entries(params)) lines.push(`- ${k}: ${cell(v)}`);
  } else if (params !== null && (typeof params !== "object" || Array.isArray(params))) {
    lines.push("", "**Params**", "", `- ${cell(params)}`);
  }
  for (const w of d.warnings) lines.push("", `_${w}_`);
  return lines.join("\n");
}
