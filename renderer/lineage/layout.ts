// Lays out a lineage graph left to right (inputs -> run -> outputs) with dagre. Pure: no DOM, so the
// layout is unit-tested in Node and drawn by svg.ts.
import dagre from "@dagrejs/dagre";
import type { EdgeLabel, GraphLabel, NodeLabel } from "@dagrejs/dagre";
import type { LineageEdge, LineageNode } from "../../db/shapes";

export const NODE_HEIGHT = 44;
const CHAR = 6.6;

export interface PlacedNode {
  key: string;
  node: LineageNode;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  label?: string;
  points: Array<{ x: number; y: number }>;
}

export interface LineageLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const nodeKey = (n: { registry: string; id: number }): string => `${n.registry}:${n.id}`;

export const META_CHAR = 6.4;
/** Room for the status dot of a run. */
export const STATUS_ROOM = 14;

/** The meta line under a node's label: registry and short uid (monospace). */
export const nodeMeta = (node: LineageNode): string => `${node.registry} · ${node.uid.slice(0, 7)}`;

/** Label width guess: bounded so one long key cannot stretch the picture; the meta line always fits. */
export function nodeWidth(node: LineageNode): number {
  const meta = nodeMeta(node).length * META_CHAR + (node.status ? STATUS_ROOM : 0) + 26;
  return Math.round(Math.min(220, Math.max(104, node.label.length * CHAR + 28, meta)));
}

export function layoutLineage(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): LineageLayout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 64, edgesep: 10, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const byKey = new Map<string, LineageNode>();
  for (const node of nodes) {
    const key = nodeKey(node);
    if (byKey.has(key)) continue; // the same record twice (e.g. input and initiator) is drawn once
    byKey.set(key, node);
    g.setNode(key, { width: nodeWidth(node), height: NODE_HEIGHT });
  }
  const kept: LineageEdge[] = [];
  edges.forEach((edge, i) => {
    if (!byKey.has(edge.from) || !byKey.has(edge.to) || edge.from === edge.to) return;
    kept.push(edge);
    g.setEdge(edge.from, edge.to, {}, `e${i}`);
  });
  // dagre breaks cycles itself (LaminDB lineage can have them), so this always terminates.
  dagre.layout(g);

  const placed: PlacedNode[] = [];
  for (const [key, node] of byKey) {
    const label = g.node(key);
    const width = label.width;
    const height = label.height;
    placed.push({ key, node, width, height, x: (label.x ?? 0) - width / 2, y: (label.y ?? 0) - height / 2 });
  }
  const placedEdges: PlacedEdge[] = g.edges().map((e: { v: string; w: string; name?: string }) => {
    const original = kept.find((k) => k.from === e.v && k.to === e.w && `e${edges.indexOf(k)}` === e.name);
    const points = (g.edge(e)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
    return { from: e.v, to: e.w, label: original?.label, points };
  });
  const graph = g.graph();
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: placed,
    edges: placedEdges,
  };
}
