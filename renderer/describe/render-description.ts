// Renders a Description (application/vnd.lamindb.describe+json) into an element. Used by the notebook
// renderer and by the sidebar's detail webview. Every optional part may be missing or empty.
import type { Description } from "../../db/shapes";
import { el } from "../dom/el";
import { injectStyle } from "../dom/style";
import type { RendererHost } from "../host";
import { buildLineage } from "../lineage/svg";
import { DESCRIBE_CSS } from "../styles/describe";
import { THEME_CSS } from "../styles/theme";
import { buildArtifacts } from "./artifacts";
import { buildBlocks } from "./blocks";
import { buildFeatures } from "./features";
import { buildFields } from "./fields";
import { buildHeader } from "./header";
import { buildParams } from "./params";
import { buildRelations } from "./relations";
import { section } from "./section";
import { buildWarnings } from "./warnings";

export interface DescriptionHandle {
  readonly root: HTMLElement;
  dispose(): void;
}

export function isDescription(raw: unknown): raw is Description {
  if (typeof raw !== "object" || raw === null) return false;
  const d = raw as Partial<Description>;
  return typeof d.registry === "string" && (typeof d.uid === "string" || typeof d.title === "string");
}

const list = <T>(value: T[] | null | undefined): T[] => (Array.isArray(value) ? value : []);

export function renderDescription(
  element: HTMLElement,
  description: Description,
  host: RendererHost = {},
): DescriptionHandle {
  const doc = element.ownerDocument;
  injectStyle(doc, "theme", THEME_CSS);
  injectStyle(doc, "describe", DESCRIBE_CSS);
  const d = description;
  const root = el(doc, "article", "ldb-root ldb-describe", null, {
    "aria-label": `${d.registry} ${d.uid ?? ""}`.trim(),
    "data-registry": d.registry,
  });
  root.appendChild(buildHeader(doc, d));
  const warnings = list(d.warnings);
  if (warnings.length) root.appendChild(buildWarnings(doc, warnings));
  const fields = list(d.fields);
  if (fields.length) root.appendChild(buildFields(doc, fields, host));

  const add = (name: string, title: string, body: HTMLElement, count?: string, open = true): void => {
    const s = section(doc, name, title, { count, open });
    s.body.appendChild(body);
    root.appendChild(s.root);
  };

  const lineage = d.lineage;
  if (lineage && list(lineage.nodes).length > 1) {
    add(
      "lineage",
      "Lineage",
      buildLineage(doc, { nodes: list(lineage.nodes), edges: list(lineage.edges) }, host),
    );
  }
  const artifacts = list(d.artifacts);
  if (artifacts.length) add("artifacts", "Report & environment", buildArtifacts(doc, artifacts, host));
  const params = d.params;
  if (params && typeof params === "object" && !Array.isArray(params) && Object.keys(params).length) {
    add("params", "Params", buildParams(doc, params), String(Object.keys(params).length));
  } else if (params !== null && params !== undefined && (typeof params !== "object" || params.length)) {
    // not an object (a string, a list): one value, shown as describe() text shows it
    add("params", "Params", buildParams(doc, { value: params }));
  }
  const features = list(d.features);
  if (features.length) add("features", "Features", buildFeatures(doc, features), String(features.length));
  const relations = list(d.relations);
  if (relations.length) add("relations", "Related records", buildRelations(doc, relations, host));
  const blocks = list(d.blocks);
  if (blocks.length)
    add(
      "blocks",
      blocks.length === 1 ? (blocks[0]?.kind === "readme" ? "README" : "Comment") : "README & comments",
      buildBlocks(doc, blocks),
    );

  element.replaceChildren(root);
  return {
    root,
    dispose() {
      root.remove();
    },
  };
}
