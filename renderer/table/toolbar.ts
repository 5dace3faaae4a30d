// Above the table: registry, filter box, copy format and the two copy buttons, and a live status line.
import { pill } from "../dom/badge";
import { el } from "../dom/el";
import type { CopyFormat } from "./clipboard";

export interface Toolbar {
  root: HTMLDivElement;
  filter: HTMLInputElement;
  format: HTMLSelectElement;
  copySelection: HTMLButtonElement;
  copyAll: HTMLButtonElement;
  status: HTMLSpanElement;
}

export function buildToolbar(
  doc: Document,
  registry: string | null,
  handlers: { onFilter(query: string): void; onCopy(which: "selection" | "all", format: CopyFormat): void },
): Toolbar {
  const root = el(doc, "div", "ldb-toolbar", null, { role: "toolbar", "aria-label": "Table tools" });
  if (registry) root.appendChild(pill(doc, registry, "ldb-registry"));
  const filter = el(doc, "input", "ldb-filter", null, {
    type: "search",
    placeholder: "Filter rows…",
    "aria-label": "Filter rows (matches any cell)",
    spellcheck: "false",
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Debounced: one filter pass per pause in typing, not one per key on 100,000 rows.
  filter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => handlers.onFilter(filter.value), 120);
  });
  filter.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      clearTimeout(timer);
      handlers.onFilter(filter.value);
    }
  });
  const status = el(doc, "span", "ldb-copy-status ldb-muted", "", { role: "status", "aria-live": "polite" });
  const format = el(doc, "select", "ldb-format", null, { "aria-label": "Copy format" });
  for (const f of ["tsv", "csv"] as const)
    format.appendChild(el(doc, "option", "", f.toUpperCase(), { value: f }));
  const copySelection = el(doc, "button", "ldb-button ldb-copy-selection", "Copy selection", {
    type: "button",
    disabled: true,
  });
  const copyAll = el(doc, "button", "ldb-button ldb-copy-all", "Copy all", { type: "button" });
  const fmt = (): CopyFormat => (format.value === "csv" ? "csv" : "tsv");
  copySelection.addEventListener("click", () => handlers.onCopy("selection", fmt()));
  copyAll.addEventListener("click", () => handlers.onCopy("all", fmt()));
  root.append(filter, status, el(doc, "span", "ldb-spacer"), format, copySelection, copyAll);
  return { root, filter, format, copySelection, copyAll, status };
}
