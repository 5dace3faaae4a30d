// A record reference as a link. With messaging it opens the record in the sidebar (click or Enter);
// without, it is plain text. There is never an href, so no data can become a URL.
import type { RecordRef } from "../../db/shapes";
import { el } from "../dom/el";
import { canOpenRecords, openRecord, type RendererHost } from "../host";

export function recordLink(doc: Document, ref: RecordRef, host: RendererHost, text?: string): HTMLElement {
  const label = text || ref.label || ref.uid;
  const title = `${ref.registry} ${ref.uid}`;
  if (!canOpenRecords(host)) return el(doc, "span", "ldb-record-text", label, { title });
  const link = el(doc, "a", "ldb-link ldb-record-link", label, {
    role: "link",
    tabindex: 0,
    title: `Open ${title} in the LaminDB sidebar`,
    "data-registry": ref.registry,
    "data-uid": ref.uid,
  });
  const open = (e: Event): void => {
    e.preventDefault();
    openRecord(host, ref);
  };
  link.addEventListener("click", open);
  link.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") open(e);
  });
  return link;
}
