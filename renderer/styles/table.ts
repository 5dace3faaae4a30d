// The table's look: compact rows of fixed height (the virtualiser relies on it), a sticky header and
// a sticky index column on an opaque background so scrolled cells never show through.
import { ROW_HEIGHT, HEADER_HEIGHT, VIEWPORT_MAX } from "../table/metrics";

export const TABLE_CSS = `
.ldb-table-root { display: flex; flex-direction: column; gap: 4px; max-width: 100%; }
.ldb-toolbar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; min-height: 26px; }
.ldb-toolbar .ldb-spacer { flex: 1; }
.ldb-filter {
  font: inherit; font-size: 0.92em; color: var(--ldb-input-fg); background: var(--ldb-input-bg);
  border: 1px solid var(--ldb-input-border); border-radius: 2px; padding: 2px 6px; width: 220px; line-height: 18px;
}
.ldb-filter:focus { outline: 1px solid var(--ldb-focus); outline-offset: -1px; }
.ldb-format {
  font: inherit; font-size: 0.92em; color: var(--vscode-dropdown-foreground, var(--ldb-fg));
  background: var(--vscode-dropdown-background, var(--ldb-input-bg));
  border: 1px solid var(--vscode-dropdown-border, var(--ldb-input-border)); border-radius: 2px; padding: 1px 2px;
}
.ldb-scroller {
  position: relative; overflow: auto; max-height: ${VIEWPORT_MAX}px; border: 1px solid var(--ldb-border);
  background: var(--ldb-sticky-bg); overscroll-behavior: contain;
}
.ldb-scroller:focus-within { border-color: var(--ldb-focus); }
.ldb-table {
  table-layout: fixed; border-collapse: separate; border-spacing: 0; min-width: 100%;
  font-size: 0.95em;
}
.ldb-table:focus { outline: none; }
.ldb-table th, .ldb-table td {
  height: ${ROW_HEIGHT}px; max-height: ${ROW_HEIGHT}px; padding: 0 8px; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; text-align: left; border-bottom: 1px solid color-mix(in srgb, var(--ldb-border) 55%, transparent);
  vertical-align: middle;
}
.ldb-table thead th {
  position: sticky; top: 0; z-index: 2; height: ${HEADER_HEIGHT}px; padding: 0;
  background: linear-gradient(var(--ldb-header-bg), var(--ldb-header-bg)), var(--ldb-sticky-bg);
  border-bottom: 1px solid var(--ldb-strong-border); font-weight: 600;
}
.ldb-sort {
  display: flex; align-items: center; gap: 4px; width: 100%; height: 100%; padding: 0 8px; border: 0;
  background: none; color: inherit; font: inherit; cursor: pointer; text-align: left;
}
.ldb-sort:hover { background: var(--ldb-hover); }
.ldb-sort.ldb-right { flex-direction: row-reverse; }
.ldb-col-name { overflow: hidden; text-overflow: ellipsis; }
.ldb-col-dtype { color: var(--ldb-muted); font-weight: 400; font-size: 0.82em; flex: none; }
.ldb-sort-icon { width: 10px; flex: none; color: var(--ldb-muted); font-size: 0.8em; }
th[aria-sort="ascending"] .ldb-sort-icon, th[aria-sort="descending"] .ldb-sort-icon { color: var(--ldb-fg); }
.ldb-table .ldb-index {
  position: sticky; left: 0; z-index: 1; background: var(--ldb-sticky-bg); color: var(--ldb-muted);
  font-weight: 400; border-right: 1px solid var(--ldb-border); font-variant-numeric: tabular-nums;
}
.ldb-table thead .ldb-index { z-index: 3; }
.ldb-table td.ldb-right, .ldb-table th.ldb-right { text-align: right; }
.ldb-row { cursor: default; }
/* Layered backgrounds keep the sticky index opaque while it shows hover and selection tints. */
.ldb-row:hover > td, .ldb-row:hover > th.ldb-index {
  background: linear-gradient(var(--ldb-hover), var(--ldb-hover)), var(--ldb-sticky-bg);
}
.ldb-row.ldb-selected > td, .ldb-row.ldb-selected > th.ldb-index {
  background: linear-gradient(var(--ldb-selected), var(--ldb-selected)), var(--ldb-sticky-bg);
  color: var(--ldb-selected-fg);
}
.ldb-row.ldb-active > td:first-of-type, .ldb-row.ldb-active > th.ldb-index { box-shadow: inset 2px 0 0 var(--ldb-focus); }
.ldb-table:focus .ldb-row.ldb-active > * { outline: none; }
.ldb-spacer-row td { height: auto; padding: 0; border: 0; }
.ldb-json-toggle {
  border: 0; background: none; color: var(--ldb-muted); cursor: pointer; padding: 0 4px 0 0; font: inherit;
  font-size: 0.8em; width: 14px; display: inline-block;
}
.ldb-json-toggle:hover { color: var(--ldb-fg); }
.ldb-json-toggle[aria-expanded="true"] { color: var(--ldb-link); }
.ldb-detail-row > td { padding: 4px 8px 6px 8px; white-space: normal; vertical-align: top; }
.ldb-detail-label { font-size: 0.85em; color: var(--ldb-muted); margin-bottom: 2px; position: sticky; left: 8px; }
.ldb-detail-pre {
  margin: 0; font-family: var(--ldb-mono); font-size: 0.9em; line-height: 16px; overflow: auto;
  background: var(--ldb-code-bg); padding: 4px 8px; border-radius: 3px; position: sticky; left: 8px;
  max-width: min(900px, calc(100vw - 48px)); white-space: pre;
}
.ldb-footer { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; font-size: 0.9em; color: var(--ldb-muted); min-height: 22px; }
.ldb-count { font-variant-numeric: tabular-nums; }
.ldb-note code { font-family: var(--ldb-mono); }
.ldb-empty { padding: 10px 12px; color: var(--ldb-muted); font-style: italic; position: sticky; left: 0; }
/* High contrast has no tints: mark hovered and selected rows with lines above and below instead. */
body.vscode-high-contrast .ldb-row:hover > * {
  box-shadow: inset 0 1px var(--vscode-contrastBorder, var(--ldb-focus)), inset 0 -1px var(--vscode-contrastBorder, var(--ldb-focus));
}
body.vscode-high-contrast .ldb-row.ldb-selected > * {
  box-shadow: inset 0 1px var(--vscode-contrastActiveBorder, var(--ldb-focus)), inset 0 -1px var(--vscode-contrastActiveBorder, var(--ldb-focus));
}
`;
