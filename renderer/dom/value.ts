// A value as DOM for a given dtype: uid monospace, datetime local with ISO title, status badge, JSON preview.
import { isRunStatus, type DType, type JsonValue } from "../../db/shapes";
import { formatLocalDateTime } from "../format/datetime";
import { jsonSummary, previewJson } from "../format/json-preview";
import { displayText } from "../format/text";
import { statusBadge } from "./badge";
import { el } from "./el";

const TITLE_MAX = 2000;

/** Fills `cell` with `value` formatted for `dtype`. JSON values get a preview only (expansion is the caller's). */
export function fillValue(
  doc: Document,
  cell: HTMLElement,
  value: JsonValue | undefined,
  dtype: DType | string,
): void {
  if (value === null || value === undefined) {
    cell.appendChild(el(doc, "span", "ldb-null", "—", { title: "null" }));
    return;
  }
  if (dtype === "status" && isRunStatus(value)) {
    cell.appendChild(statusBadge(doc, value));
    return;
  }
  if (typeof value === "string") {
    if (dtype === "uid") {
      cell.appendChild(el(doc, "span", "ldb-uid", value, { title: value }));
      return;
    }
    if (dtype === "datetime") {
      const local = formatLocalDateTime(value);
      cell.appendChild(el(doc, "time", "ldb-datetime", local ?? value, { datetime: value, title: value }));
      return;
    }
    if (dtype === "date") {
      cell.appendChild(el(doc, "time", "ldb-datetime", value, { datetime: value }));
      return;
    }
    cell.textContent = value;
    if (value.length > 40) cell.title = value.length > TITLE_MAX ? `${value.slice(0, TITLE_MAX)}…` : value;
    return;
  }
  if (typeof value === "number") {
    cell.appendChild(el(doc, "span", "ldb-num", displayText(value, dtype)));
    return;
  }
  if (typeof value === "boolean") {
    cell.appendChild(el(doc, "span", `ldb-bool ldb-bool-${value}`, displayText(value, dtype)));
    return;
  }
  if (dtype === "set" && Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    cell.textContent = displayText(value, dtype);
    return;
  }
  const summary = jsonSummary(value);
  cell.appendChild(el(doc, "span", "ldb-json-preview", previewJson(value, 100)));
  if (summary) cell.appendChild(el(doc, "span", "ldb-json-size", summary));
}
