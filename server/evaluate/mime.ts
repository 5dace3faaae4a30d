// A query cell's value as MIME items. The cell's process (kernel/child.ts) already turned a query
// into its DataFrame and a saved record into its Description; here they get their vnd.lamindb types
// (renderer/ draws them), anything else is JSON; always with text/plain.
import { DATAFRAME_MIME, DESCRIBE_MIME, type DataFrame, type Description } from "../../db/shapes";
import type { JsonValue } from "../../db/shapes";

export interface MimeItem {
  mime: string;
  data: JsonValue;
}

function isFrame(v: unknown): v is DataFrame {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "lamindb.dataframe";
}
function isDescription(v: unknown): v is Description {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "lamindb.describe";
}

export function frameText(f: DataFrame): string {
  const header = [f.index.name, ...f.columns].join("\t");
  const rows = f.rows.map((r, i) =>
    [
      String(f.index.values[i]),
      ...r.map((c) => (c === null ? "" : typeof c === "object" ? JSON.stringify(c) : String(c))),
    ].join("\t"),
  );
  // a bounded count's total is a lower bound (db/query/dataframe.ts)
  const more = !f.truncated
    ? []
    : f.totalExact === false
      ? [`... more than ${f.total} rows in total`]
      : [`... ${f.total} rows in total`];
  return [header, ...rows, ...more].join("\n");
}

/** `text` is the child's inspect() of the value, for anything that is not a frame or a description. */
export function mimeItems(value: JsonValue | undefined, text: string | undefined): MimeItem[] {
  if (value === undefined) return [];
  if (isFrame(value))
    return [
      { mime: DATAFRAME_MIME, data: value as unknown as JsonValue },
      { mime: "text/plain", data: frameText(value) },
    ];
  if (isDescription(value) && typeof value.text === "string")
    return [
      { mime: DESCRIBE_MIME, data: value as unknown as JsonValue },
      { mime: "text/plain", data: value.text },
    ];
  return [
    { mime: "application/json", data: value },
    { mime: "text/plain", data: text ?? JSON.stringify(value) },
  ];
}
