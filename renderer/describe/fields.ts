// The two-column field table, filled pairwise in the Description's order (as LaminDB's describe() does).
import type { DescribeField } from "../../db/shapes";
import { el } from "../dom/el";
import { fillValue } from "../dom/value";
import { displayText } from "../format/text";
import type { RendererHost } from "../host";
import { recordLink } from "./links";

function valueCell(doc: Document, field: DescribeField, host: RendererHost): HTMLTableCellElement {
  const td = el(doc, "td", "ldb-field-value", null, { "data-field": field.name, "data-dtype": field.dtype });
  if (field.ref) {
    const text = displayText(field.value, field.dtype);
    td.appendChild(recordLink(doc, field.ref, host, text || field.ref.label));
  } else {
    fillValue(doc, td, field.value, field.dtype);
  }
  return td;
}

export function buildFields(
  doc: Document,
  fields: readonly DescribeField[],
  host: RendererHost,
): HTMLTableElement {
  const table = el(doc, "table", "ldb-fields", null, { "aria-label": "Fields" });
  const tbody = el(doc, "tbody");
  for (let i = 0; i < fields.length; i += 2) {
    const tr = el(doc, "tr");
    for (const field of fields.slice(i, i + 2)) {
      tr.appendChild(el(doc, "th", "ldb-field-name", field.name, { scope: "row" }));
      tr.appendChild(valueCell(doc, field, host));
    }
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  return table;
}
