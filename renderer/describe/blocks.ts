// README and comment blocks as preformatted text: shown as written, never rendered as Markdown or HTML.
import type { DescribeBlock } from "../../db/shapes";
import { el } from "../dom/el";
import { formatLocalDateTime } from "../format/datetime";

export function buildBlocks(doc: Document, blocks: readonly DescribeBlock[]): HTMLElement {
  const root = el(doc, "div", "ldb-blocks");
  for (const block of blocks) {
    const item = el(doc, "div", "ldb-block", null, { "data-kind": block.kind });
    const head = el(doc, "div", "ldb-block-head");
    head.appendChild(el(doc, "span", "ldb-block-kind", block.kind));
    if (block.created_at) {
      head.appendChild(
        el(doc, "time", "ldb-muted ldb-datetime", formatLocalDateTime(block.created_at) ?? block.created_at, {
          datetime: block.created_at,
          title: block.created_at,
        }),
      );
    }
    item.appendChild(head);
    item.appendChild(el(doc, "pre", "ldb-block-content", block.content ?? ""));
    root.appendChild(item);
  }
  return root;
}
