// TSV and CSV text for the clipboard, and a copy that works inside a VS Code webview.
import { rawText } from "../format/text";
import { cellValue, type TableModel } from "./model";

export type CopyFormat = "tsv" | "csv";

function quote(field: string, separator: string): string {
  // Quote only when needed: CSV per RFC 4180; TSV only for tabs, line breaks or a leading quote, which is
  // what spreadsheets need on paste (a JSON cell stays readable).
  const needs =
    separator === ","
      ? /[",\r\n]/.test(field)
      : field.includes("\t") || field.includes("\n") || field.includes("\r") || field.startsWith('"');
  return needs ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Header line plus one line per row, index first. */
export function toDelimited(model: TableModel, rows: readonly number[], format: CopyFormat): string {
  const sep = format === "tsv" ? "\t" : ",";
  const header = [model.index.name || "index", ...model.columns.map((c) => c.name)];
  const lines = [header.map((h) => quote(h, sep)).join(sep)];
  for (const row of rows) {
    const fields: string[] = [];
    for (let c = -1; c < model.columns.length; c++)
      fields.push(quote(rawText(cellValue(model, row, c)), sep));
    lines.push(fields.join(sep));
  }
  return lines.join(format === "csv" ? "\r\n" : "\n");
}

/** navigator.clipboard where the webview allows it, else the textarea + execCommand fallback. */
export async function copyText(doc: Document, text: string): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard?.writeText) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or no focus: fall through to the legacy path.
    }
  }
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "ldb-offscreen";
  doc.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = doc.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
