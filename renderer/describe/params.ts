// Params as a nested, collapsible tree. Containers are <details>; their children are built on first
// open, so a huge params object costs nothing until someone looks into it.
import type { JsonValue } from "../../db/shapes";
import { el } from "../dom/el";
import { jsonSummary, previewJson } from "../format/json-preview";

const MAX_CHILDREN = 500;

function leafClass(value: JsonValue): string {
  if (value === null) return "ldb-json-null";
  return `ldb-json-${typeof value}`;
}

function entries(value: JsonValue): Array<[string, JsonValue]> {
  if (Array.isArray(value)) return value.map((v, i) => [String(i), v]);
  if (value !== null && typeof value === "object") return Object.entries(value);
  return [];
}

function buildNode(doc: Document, key: string, value: JsonValue, depth: number): HTMLElement {
  const children = entries(value);
  if (children.length === 0) {
    const leaf = el(doc, "div", "ldb-tree-leaf", null, { role: "treeitem" });
    leaf.appendChild(el(doc, "span", "ldb-key", key));
    // Params are JSON: leaves read as JSON literals (true, null), strings without quotes like describe().
    const text =
      typeof value === "string"
        ? value
        : value !== null && typeof value === "object"
          ? previewJson(value)
          : JSON.stringify(value);
    leaf.appendChild(el(doc, "span", `ldb-tree-value ${leafClass(value)}`, text));
    return leaf;
  }
  const details = el(doc, "details", "ldb-tree-node", null, { role: "treeitem" });
  const summary = el(doc, "summary");
  summary.appendChild(el(doc, "span", "ldb-key", key));
  summary.appendChild(el(doc, "span", "ldb-json-size", jsonSummary(value)));
  summary.appendChild(el(doc, "span", "ldb-tree-preview", previewJson(value, 80)));
  details.appendChild(summary);
  const group = el(doc, "div", "ldb-tree-children", null, { role: "group" });
  details.appendChild(group);
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    for (const [k, v] of children.slice(0, MAX_CHILDREN)) group.appendChild(buildNode(doc, k, v, depth + 1));
    if (children.length > MAX_CHILDREN) {
      group.appendChild(el(doc, "div", "ldb-muted", `… ${children.length - MAX_CHILDREN} more`));
    }
  };
  details.addEventListener("toggle", () => {
    if (details.open) build();
  });
  // Small, shallow objects start open; deep or large ones start closed.
  if (depth === 0 && children.length <= 12) {
    build();
    details.open = true;
  }
  return details;
}

export function buildParams(doc: Document, params: Record<string, JsonValue>): HTMLElement {
  const tree = el(doc, "div", "ldb-tree", null, { role: "tree", "aria-label": "Params" });
  const all = Object.entries(params);
  for (const [key, value] of all.slice(0, MAX_CHILDREN)) tree.appendChild(buildNode(doc, key, value, 0));
  if (all.length > MAX_CHILDREN)
    tree.appendChild(el(doc, "div", "ldb-muted", `… ${all.length - MAX_CHILDREN} more`));
  return tree;
}
