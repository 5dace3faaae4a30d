// Coloured status badges; the colour comes from the theme (see styles), the text stays readable alone.
import { isRunStatus } from "../../db/shapes";
import { el } from "./el";

export function statusBadge(doc: Document, status: string): HTMLSpanElement {
  const known = isRunStatus(status) ? status : "unknown";
  const badge = el(doc, "span", `ldb-badge ldb-status ldb-status-${known}`, null, {
    "data-status": known,
    title: `status: ${status}`,
  });
  badge.appendChild(el(doc, "span", "ldb-status-dot", null, { "aria-hidden": "true" }));
  badge.appendChild(el(doc, "span", "ldb-status-text", status));
  return badge;
}

/** A neutral pill, e.g. the registry name in a header. */
export function pill(doc: Document, text: string, extraClass = ""): HTMLSpanElement {
  return el(doc, "span", `ldb-pill ${extraClass}`.trim(), text);
}
