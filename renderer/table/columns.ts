// Column widths from the header and a sample of rows. Fixed widths (table-layout: fixed) keep columns
// from jumping as the virtualiser swaps rows in and out.
import { displayText } from "../format/text";
import { cellValue, columnDType, type TableModel } from "./model";

const CHAR = 7.1; // average glyph width at 13px in VS Code's UI font
const MONO_CHAR = 7.8;
const SAMPLE = 200;

export function isRightAligned(dtype: string): boolean {
  return dtype === "int" || dtype === "float";
}

function width(model: TableModel, col: number, header: string): number {
  const dtype = columnDType(model, col);
  const charWidth = dtype === "uid" || dtype === "json" ? MONO_CHAR : CHAR;
  let longest = 0;
  const n = Math.min(model.rows.length, SAMPLE);
  for (let r = 0; r < n; r++) {
    const text = displayText(cellValue(model, r, col), dtype);
    if (text.length > longest) longest = text.length;
  }
  let cell = longest * charWidth + (dtype === "status" ? 34 : dtype === "json" ? 24 : 18);
  if (dtype === "datetime") cell = Math.max(cell, 19 * CHAR + 18);
  // Header text is bold and carries the dtype label and sort arrow.
  const head = header.length * (CHAR + 0.6) + (col < 0 ? 18 : dtype.length * 6 + 38);
  const max = col < 0 ? 220 : dtype === "json" ? 360 : 320;
  return Math.round(Math.min(max, Math.max(col < 0 ? 44 : 64, cell, head)));
}

export function estimateWidths(model: TableModel): { index: number; columns: number[] } {
  return {
    index: width(model, -1, model.index.name),
    columns: model.columns.map((c, i) => width(model, i, c.name)),
  };
}
