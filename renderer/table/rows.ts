// Builds the <tr> for one model row: the pinned index cell, formatted cells, and, when a JSON cell is
// expanded, a detail row under it that spans the table (its height is known up front, see metrics).
import type { JsonValue } from "../../db/shapes";
import { el } from "../dom/el";
import { fillValue } from "../dom/value";
import { prettyJson } from "../format/json-preview";
import { isRightAligned } from "./columns";
import { DETAIL_CHROME, DETAIL_LINE, DETAIL_MAX_LINES } from "./metrics";
import { cellValue, columnDType, type TableModel } from "./model";

export function isExpandable(value: JsonValue): boolean {
  return value !== null && typeof value === "object";
}

/** Height of the detail row for an expanded value: a fixed function of its line count. */
export function detailHeight(value: JsonValue): number {
  const { text } = prettyJson(value, 20_000);
  let lines = 1;
  for (let i = 0; i < text.length && lines < DETAIL_MAX_LINES; i++) if (text.charCodeAt(i) === 10) lines++;
  return DETAIL_CHROME + Math.min(lines, DETAIL_MAX_LINES) * DETAIL_LINE;
}

export function buildRow(
  doc: Document,
  model: TableModel,
  row: number,
  pos: number,
  idPrefix: string,
  expandedColumn: number | undefined,
): HTMLTableRowElement[] {
  const tr = el(doc, "tr", "ldb-row", null, {
    role: "row",
    id: `${idPrefix}-r${row}`,
    "data-row": row,
    "aria-rowindex": pos + 2,
    "aria-selected": "false",
  });
  const indexCell = el(doc, "th", "ldb-index", null, { role: "rowheader", scope: "row" });
  fillValue(doc, indexCell, cellValue(model, row, -1), model.index.dtype);
  tr.appendChild(indexCell);
  for (let c = 0; c < model.columns.length; c++) {
    const dtype = columnDType(model, c);
    const value = cellValue(model, row, c);
    const td = el(doc, "td", isRightAligned(dtype) ? "ldb-right" : "", null, { role: "gridcell" });
    if (
      isExpandable(value) &&
      !(dtype === "set" && Array.isArray(value) && value.every((v) => !isExpandable(v)))
    ) {
      const open = expandedColumn === c;
      td.appendChild(
        el(doc, "button", "ldb-json-toggle", open ? "▾" : "▸", {
          type: "button",
          "data-json-col": c,
          "aria-expanded": open ? "true" : "false",
          "aria-label": `${open ? "Collapse" : "Expand"} ${model.columns[c]?.name ?? "value"}`,
        }),
      );
    }
    fillValue(doc, td, value, dtype);
    tr.appendChild(td);
  }
  tr.appendChild(el(doc, "td", "ldb-filler", null, { "aria-hidden": "true" }));
  if (expandedColumn === undefined) return [tr];

  const value = cellValue(model, row, expandedColumn);
  const height = detailHeight(value);
  const detail = el(doc, "tr", "ldb-detail-row", null, { role: "row", "data-detail-for": row });
  detail.style.height = `${height}px`;
  const td = el(doc, "td", "", null, { colspan: model.columns.length + 2, role: "gridcell" });
  td.style.height = `${height}px`;
  const { text, cut } = prettyJson(value);
  td.appendChild(
    el(
      doc,
      "div",
      "ldb-detail-label",
      `${model.columns[expandedColumn]?.name ?? ""}${cut ? " (first 200,000 characters)" : ""}`,
    ),
  );
  const pre = el(doc, "pre", "ldb-detail-pre", text, { tabindex: 0 });
  pre.style.maxHeight = `${height - DETAIL_CHROME + 8}px`;
  td.appendChild(pre);
  detail.appendChild(td);
  return [tr, detail];
}
