// A query cell's value as MIME items: DataFrames and Descriptions as their vnd.lamindb types
// (renderer/ draws them), records as their describe(), query sets as toDataFrame(), anything
// else as JSON; always with text/plain.
import { inspect } from "node:util";
import {
  DATAFRAME_MIME,
  DESCRIBE_MIME,
  QuerySet,
  SQLRecord,
  type DataFrame,
  type Description,
} from "../../db/index";
import type { JsonValue } from "../../db/shapes";
import { describe, toDataFrame } from "../data/query-api";

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
  const more = f.truncated ? [`... ${f.total} rows in total`] : [];
  return [header, ...rows, ...more].join("\n");
}

function toJsonValue(v: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
  } catch {
    return inspect(v);
  }
}

export async function mimeItems(value: unknown): Promise<MimeItem[]> {
  // an un-awaited call (ln.ULabel.get(...)) still shows its result; a QuerySet stays a query
  if (!(value instanceof QuerySet) && typeof (value as PromiseLike<unknown>)?.then === "function")
    value = await value;
  if (value instanceof QuerySet) value = await toDataFrame(value as QuerySet<SQLRecord>);
  else if (value instanceof SQLRecord) value = await describe(value);
  if (isFrame(value))
    return [
      { mime: DATAFRAME_MIME, data: value as unknown as JsonValue },
      { mime: "text/plain", data: frameText(value) },
    ];
  if (isDescription(value)) {
    return [
      { mime: DESCRIBE_MIME, data: value as unknown as JsonValue },
      { mime: "text/plain", data: value.text },
    ];
  }
  if (value === undefined) return [];
  return [
    { mime: "application/json", data: toJsonValue(value) },
    { mime: "text/plain", data: typeof value === "string" ? value : inspect(value, { depth: 4 }) },
  ];
}
