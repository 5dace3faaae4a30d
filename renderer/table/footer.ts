// Below the table: "N of M rows", the selection count, "Load more" (with messaging) or a note (without).
import { el } from "../dom/el";

export interface Footer {
  root: HTMLDivElement;
  count: HTMLSpanElement;
  selection: HTMLSpanElement;
  loadMore: HTMLButtonElement;
  note: HTMLSpanElement;
  error: HTMLSpanElement;
}

export function buildFooter(doc: Document, onLoadMore: () => void): Footer {
  const root = el(doc, "div", "ldb-footer");
  const count = el(doc, "span", "ldb-count", "", { "aria-live": "polite" });
  const selection = el(doc, "span", "ldb-selection-count");
  const loadMore = el(doc, "button", "ldb-button ldb-load-more", "Load more", { type: "button" });
  loadMore.hidden = true;
  loadMore.addEventListener("click", onLoadMore);
  const note = el(doc, "span", "ldb-note");
  note.hidden = true;
  const error = el(doc, "span", "ldb-error ldb-load-error", "", { role: "alert" });
  root.append(count, selection, loadMore, note, error);
  return { root, count, selection, loadMore, note, error };
}

export const fmtCount = (n: number): string => n.toLocaleString("en-US");
