// The header: registry pill, title, status badge, and the uid in monospace.
import type { Description } from "../../db/shapes";
import { pill, statusBadge } from "../dom/badge";
import { el } from "../dom/el";

export function buildHeader(doc: Document, d: Description): HTMLElement {
  const header = el(doc, "header", "ldb-describe-header");
  const line = el(doc, "div", "ldb-title-line");
  line.appendChild(pill(doc, d.registry || "Record", "ldb-registry"));
  // LaminDB titles read "Run: 3kJx0aB (qc.ipynb)"; the pill already says "Run".
  const prefix = `${d.registry}: `;
  const title = d.title && d.title.startsWith(prefix) ? d.title.slice(prefix.length) : d.title || d.uid;
  line.appendChild(el(doc, "h3", "ldb-title", title, { title: d.title || undefined }));
  if (d.status) line.appendChild(statusBadge(doc, d.status));
  header.appendChild(line);
  if (d.uid) {
    const meta = el(doc, "div", "ldb-header-meta");
    meta.appendChild(el(doc, "span", "ldb-muted", "uid "));
    meta.appendChild(el(doc, "span", "ldb-uid ldb-header-uid", d.uid, { title: d.uid }));
    if (typeof d.id === "number")
      meta.appendChild(el(doc, "span", "ldb-muted ldb-header-id", ` · id ${d.id}`));
    header.appendChild(meta);
  }
  return header;
}
