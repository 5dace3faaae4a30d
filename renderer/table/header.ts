// The header row: one sort button per column (click cycles asc/desc/none), aria-sort for screen readers.
import { el } from "../dom/el";
import { isRightAligned } from "./columns";
import type { TableModel } from "./model";
import type { SortState } from "./sort";

export interface Header {
  colgroup: HTMLTableColElement[];
  thead: HTMLTableSectionElement;
  update(sort: SortState | null): void;
}

export function buildHeader(
  doc: Document,
  model: TableModel,
  widths: { index: number; columns: number[] },
  onSort: (column: number) => void,
): Header {
  const cols: HTMLTableColElement[] = [];
  const thead = el(doc, "thead");
  const tr = el(doc, "tr", "", null, { role: "row", "aria-rowindex": 1 });
  const cells: Array<{ th: HTMLTableCellElement; icon: HTMLSpanElement; column: number; label: string }> = [];

  const add = (column: number, name: string, dtype: string, width: number): void => {
    const col = el(doc, "col");
    col.style.width = `${width}px`;
    cols.push(col);
    const right = isRightAligned(dtype);
    const th = el(doc, "th", `${column < 0 ? "ldb-index" : ""} ${right ? "ldb-right" : ""}`.trim(), null, {
      role: "columnheader",
      scope: "col",
      "aria-sort": "none",
      "data-column": column,
    });
    const label = name || (column < 0 ? "index" : "");
    const button = el(doc, "button", `ldb-sort ${right ? "ldb-right" : ""}`.trim(), null, {
      type: "button",
      title: `Sort by ${label}${dtype ? ` (${dtype})` : ""}`,
    });
    button.appendChild(el(doc, "span", "ldb-col-name", name));
    // The dtype label, unless it only repeats the name ("uid uid", "status status").
    if (column >= 0 && dtype !== name) button.appendChild(el(doc, "span", "ldb-col-dtype", dtype));
    const icon = el(doc, "span", "ldb-sort-icon", "", { "aria-hidden": "true" });
    button.appendChild(icon);
    button.addEventListener("click", () => onSort(column));
    th.appendChild(button);
    tr.appendChild(th);
    cells.push({ th, icon, column, label });
  };

  add(-1, model.index.name, model.index.dtype, widths.index);
  model.columns.forEach((c, i) => add(i, c.name, c.dtype, widths.columns[i] ?? 120));
  // A filler column takes the leftover width so real columns keep theirs.
  cols.push(el(doc, "col"));
  tr.appendChild(el(doc, "th", "ldb-filler", null, { "aria-hidden": "true" }));
  thead.appendChild(tr);

  return {
    colgroup: cols,
    thead,
    update(sort) {
      for (const cell of cells) {
        const active = sort !== null && sort.column === cell.column;
        cell.th.setAttribute(
          "aria-sort",
          active ? (sort.direction === "asc" ? "ascending" : "descending") : "none",
        );
        cell.icon.textContent = active ? (sort.direction === "asc" ? "▲" : "▼") : "";
      }
    },
  };
}
