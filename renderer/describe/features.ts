// Features: name, dtype and value; categorical values (record labels) as chips.
import type { DescribeFeature, JsonValue } from "../../db/shapes";
import { el } from "../dom/el";
import { fillValue } from "../dom/value";
import { displayText } from "../format/text";

const DISPLAY_DTYPES = new Set(["int", "float", "str", "bool", "datetime", "date", "json", "uid", "status"]);

function valueDType(feature: DescribeFeature, value: JsonValue): string {
  if (DISPLAY_DTYPES.has(feature.dtype)) return feature.dtype;
  return value !== null && typeof value === "object" ? "json" : "str";
}

function fillFeatureValue(doc: Document, td: HTMLElement, feature: DescribeFeature): void {
  const values = Array.isArray(feature.value) ? feature.value : [feature.value];
  if (feature.categorical && values.every((v) => v === null || typeof v !== "object")) {
    for (const v of values) td.appendChild(el(doc, "span", "ldb-chip", displayText(v, "str")));
    return;
  }
  fillValue(doc, td, feature.value, valueDType(feature, feature.value));
}

export function buildFeatures(doc: Document, features: readonly DescribeFeature[]): HTMLTableElement {
  const table = el(doc, "table", "ldb-grid ldb-features", null, { "aria-label": "Features" });
  const head = el(doc, "thead");
  const hr = el(doc, "tr");
  for (const h of ["name", "dtype", "value"]) hr.appendChild(el(doc, "th", "", h, { scope: "col" }));
  head.appendChild(hr);
  const body = el(doc, "tbody");
  for (const feature of features) {
    const tr = el(doc, "tr", feature.categorical ? "ldb-categorical" : "", null, {
      "data-feature": feature.name,
    });
    tr.appendChild(el(doc, "td", "ldb-feature-name", feature.name));
    tr.appendChild(el(doc, "td", "ldb-feature-dtype ldb-muted", feature.dtype));
    const td = el(doc, "td", "ldb-feature-value");
    fillFeatureValue(doc, td, feature);
    tr.appendChild(td);
    body.appendChild(tr);
  }
  table.append(head, body);
  return table;
}
