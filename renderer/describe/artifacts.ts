// The run's report, environment and plan artifacts, each with the first lines of its content.
import type { DescribeArtifactSummary } from "../../db/shapes";
import { el } from "../dom/el";
import type { RendererHost } from "../host";
import { recordLink } from "./links";

export function buildArtifacts(
  doc: Document,
  artifacts: readonly DescribeArtifactSummary[],
  host: RendererHost,
): HTMLElement {
  const list = el(doc, "div", "ldb-artifacts");
  for (const artifact of artifacts) {
    const item = el(doc, "div", "ldb-artifact", null, { "data-role": artifact.role });
    const head = el(doc, "div", "ldb-artifact-head");
    head.appendChild(el(doc, "span", "ldb-artifact-role", artifact.role));
    head.appendChild(recordLink(doc, artifact.ref, host));
    head.appendChild(
      el(doc, "span", "ldb-uid ldb-muted", artifact.ref.uid.slice(0, 7), { title: artifact.ref.uid }),
    );
    item.appendChild(head);
    const preview = Array.isArray(artifact.preview) ? artifact.preview : [];
    if (preview.length) item.appendChild(el(doc, "pre", "ldb-preview", preview.join("\n")));
    list.appendChild(item);
  }
  return list;
}
