// Related records (inputs, outputs, initiated runs, ...) as lists of links, "3 of 12" when paged.
import type { DescribeRelation } from "../../db/shapes";
import { statusBadge } from "../dom/badge";
import { el } from "../dom/el";
import type { RendererHost } from "../host";
import { recordLink } from "./links";

export function buildRelations(
  doc: Document,
  relations: readonly DescribeRelation[],
  host: RendererHost,
): HTMLElement {
  const root = el(doc, "div", "ldb-relations");
  for (const relation of relations) {
    const records = Array.isArray(relation.records) ? relation.records : [];
    const total = Math.max(relation.total ?? records.length, records.length);
    const block = el(doc, "div", "ldb-relation", null, { "data-relation": relation.name });
    const head = el(doc, "div", "ldb-relation-head");
    head.appendChild(el(doc, "span", "ldb-relation-name", relation.name));
    head.appendChild(el(doc, "span", "ldb-muted ldb-relation-registry", relation.registry));
    head.appendChild(
      el(
        doc,
        "span",
        "ldb-section-count",
        records.length < total ? `${records.length} of ${total}` : String(total),
      ),
    );
    block.appendChild(head);
    const list = el(doc, "ul", "ldb-relation-list", null, { "aria-label": relation.name });
    for (const ref of records) {
      const li = el(doc, "li");
      li.appendChild(recordLink(doc, ref, host));
      if (ref.status) li.appendChild(statusBadge(doc, ref.status));
      li.appendChild(el(doc, "span", "ldb-uid ldb-muted", ref.uid.slice(0, 7), { title: ref.uid }));
      list.appendChild(li);
    }
    if (records.length === 0) list.appendChild(el(doc, "li", "ldb-muted", "none"));
    block.appendChild(list);
    root.appendChild(block);
  }
  return root;
}
