// Draws a laid-out lineage graph as SVG: rect + text nodes, curved edges with arrowheads. Every label
// is a text node (textContent); a click or Enter on a node other than the record itself opens it.
import { isRunStatus, type LineageEdge, type LineageNode } from "../../db/shapes";
import { el, svg } from "../dom/el";
import { canOpenRecords, openRecord, type RendererHost } from "../host";
import { META_CHAR, STATUS_ROOM, layoutLineage, nodeMeta, type PlacedEdge, type PlacedNode } from "./layout";

const CHAR = 6.6;
let instances = 0;

function fit(text: string, room: number, char = CHAR): string {
  const max = Math.max(4, Math.floor(room / char));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A smooth path through dagre's points (quadratic segments between midpoints). */
export function edgePath(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length === 0) return "";
  const f = (n: number): string => n.toFixed(1);
  const first = points[0] as { x: number; y: number };
  let d = `M${f(first.x)},${f(first.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i] as { x: number; y: number };
    const q = points[i + 1] as { x: number; y: number };
    d += ` Q${f(p.x)},${f(p.y)} ${f((p.x + q.x) / 2)},${f((p.y + q.y) / 2)}`;
  }
  const last = points[points.length - 1] as { x: number; y: number };
  return `${d} L${f(last.x)},${f(last.y)}`;
}

function drawEdge(doc: Document, edge: PlacedEdge, markerId: string): SVGGElement {
  const g = svg(doc, "g", {
    class: `ldb-edge ldb-edge-${edge.label ?? "link"}`,
    "data-from": edge.from,
    "data-to": edge.to,
  });
  g.appendChild(svg(doc, "path", { d: edgePath(edge.points), "marker-end": `url(#${markerId})` }));
  if (edge.label && edge.label !== "input" && edge.label !== "output" && edge.points.length >= 2) {
    const mid = edge.points[Math.floor(edge.points.length / 2)] as { x: number; y: number };
    g.appendChild(
      svg(
        doc,
        "text",
        { x: mid.x, y: mid.y - 4, class: "ldb-edge-label", "text-anchor": "middle" },
        edge.label,
      ),
    );
  }
  return g;
}

function drawNode(doc: Document, placed: PlacedNode, host: RendererHost): SVGGElement {
  const { node } = placed;
  const interactive = node.role !== "self" && canOpenRecords(host);
  const g = svg(doc, "g", {
    class: `ldb-node ldb-node-${node.role}${interactive ? " ldb-node-link" : ""}`,
    transform: `translate(${placed.x.toFixed(1)},${placed.y.toFixed(1)})`,
    "data-key": placed.key,
    "data-role": node.role,
    "data-x": placed.x.toFixed(1),
    "data-y": placed.y.toFixed(1),
    role: interactive ? "link" : "img",
    tabindex: interactive ? 0 : undefined,
    "aria-label": `${node.registry} ${node.label}${node.status ? `, ${node.status}` : ""}${node.role === "self" ? " (this record)" : ""}`,
  });
  g.appendChild(svg(doc, "title", {}, `${node.registry} ${node.uid}\n${node.label}`));
  g.appendChild(
    svg(doc, "rect", { class: "ldb-node-box", width: placed.width, height: placed.height, rx: 5, ry: 5 }),
  );
  g.appendChild(
    svg(doc, "text", { class: "ldb-node-label", x: 11, y: 18 }, fit(node.label, placed.width - 22)),
  );
  const metaRoom = placed.width - 24 - (node.status ? STATUS_ROOM : 0);
  g.appendChild(
    svg(doc, "text", { class: "ldb-node-meta", x: 11, y: 34 }, fit(nodeMeta(node), metaRoom, META_CHAR)),
  );
  if (node.status && isRunStatus(node.status)) {
    g.appendChild(
      svg(doc, "circle", {
        class: `ldb-node-status ldb-status-${node.status}`,
        cx: placed.width - 11,
        cy: 12,
        r: 4,
      }),
    );
  }
  if (interactive) {
    const open = (e: Event): void => {
      e.preventDefault();
      const { role: _role, ...ref } = node;
      openRecord(host, ref);
    };
    g.addEventListener("click", open);
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") open(e);
    });
  }
  return g;
}

export function buildLineage(
  doc: Document,
  lineage: { nodes: readonly LineageNode[]; edges: readonly LineageEdge[] },
  host: RendererHost,
): HTMLElement {
  const layout = layoutLineage(lineage.nodes, lineage.edges);
  const wrap = el(doc, "div", "ldb-lineage-scroll");
  const counts = { input: 0, output: 0 };
  for (const n of lineage.nodes) if (n.role === "input" || n.role === "output") counts[n.role]++;
  const root = svg(doc, "svg", {
    class: "ldb-lineage",
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: "group",
    "aria-label": `Lineage: ${counts.input} input${counts.input === 1 ? "" : "s"}, ${counts.output} output${counts.output === 1 ? "" : "s"}`,
  });
  const markerId = `ldb-arrow-${++instances}`;
  const defs = svg(doc, "defs");
  const marker = svg(doc, "marker", {
    id: markerId,
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.appendChild(svg(doc, "path", { d: "M0,0 L10,5 L0,10 z", class: "ldb-arrow" }));
  defs.appendChild(marker);
  root.appendChild(defs);
  const edges = svg(doc, "g", { class: "ldb-edges" });
  for (const edge of layout.edges) edges.appendChild(drawEdge(doc, edge, markerId));
  const nodes = svg(doc, "g", { class: "ldb-nodes" });
  for (const node of layout.nodes) nodes.appendChild(drawNode(doc, node, host));
  root.append(edges, nodes);
  wrap.appendChild(root);
  return wrap;
}
