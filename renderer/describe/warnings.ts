// Warnings such as "record is in the trash", shown above everything else.
import { el } from "../dom/el";

export function buildWarnings(doc: Document, warnings: readonly string[]): HTMLElement {
  const root = el(doc, "div", "ldb-warnings");
  for (const warning of warnings) {
    const item = el(doc, "div", "ldb-warning", null, { role: "note" });
    item.appendChild(el(doc, "span", "ldb-warning-icon", "⚠", { "aria-hidden": "true" }));
    item.appendChild(el(doc, "span", "ldb-warning-text", warning));
    root.appendChild(item);
  }
  return root;
}
