// A collapsible section (<details>) with a title and an optional count.
import { el } from "../dom/el";

export function section(
  doc: Document,
  name: string,
  title: string,
  options: { count?: string; open?: boolean } = {},
): { root: HTMLDetailsElement; body: HTMLDivElement } {
  const root = el(doc, "details", `ldb-section ldb-section-${name}`, null, { "data-section": name });
  root.open = options.open ?? true;
  const summary = el(doc, "summary", "ldb-section-title", title);
  if (options.count) summary.appendChild(el(doc, "span", "ldb-section-count", options.count));
  const body = el(doc, "div", "ldb-section-body");
  root.append(summary, body);
  return { root, body };
}
