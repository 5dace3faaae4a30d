// The one paging scaffold of the trees: a paged list is plain data (what to ask the server for), and
// a page of it becomes tree elements: its items, a message when the first page is empty, and a
// "Load more…" element that carries the list and the next offset. That element is all a tree keeps.
import type { LaminServer } from "../client/server";
import { PAGE, type PagedList, type TreeNode } from "./nodes";

type Server = Pick<LaminServer, "request">;

async function fetchPage(
  server: Server,
  list: PagedList,
  offset: number,
): Promise<{ nodes: TreeNode[]; total: number }> {
  const page = { offset, limit: PAGE };
  switch (list.of) {
    case "runs": {
      const p = await server.request("lamin/runs", { ...list.scope, ...page });
      return { nodes: p.items.map((run) => ({ kind: "run", run, grouped: list.grouped })), total: p.total };
    }
    case "transformGroups": {
      const p = await server.request("lamin/transforms", page);
      const nodes = p.items.map((transform): TreeNode => ({
        kind: "transformGroup",
        transform,
        scope: list.scope,
      }));
      return { nodes, total: p.total };
    }
    case "transformKeys": {
      const p = await server.request("lamin/transformKeys", page);
      return { nodes: p.items.map((key) => ({ kind: "key", key })), total: p.total };
    }
    case "versions": {
      const p = await server.request("lamin/transforms", { ...page, key: list.key });
      return { nodes: p.items.map((transform) => ({ kind: "version", transform })), total: p.total };
    }
    case "records": {
      const p = await server.request("lamin/records", { ...page, registry: list.registry });
      return { nodes: p.items.map((record) => ({ kind: "record", record })), total: p.total };
    }
  }
}

/** The page of `list` at `offset` as tree elements; `empty` is shown when there is nothing at all. */
export async function pagedChildren(
  server: Server,
  list: PagedList,
  offset: number,
  empty?: string,
): Promise<TreeNode[]> {
  const { nodes, total } = await fetchPage(server, list, offset);
  if (offset === 0 && nodes.length === 0 && empty) return [{ kind: "message", text: empty }];
  const next = offset + nodes.length;
  if (next < total && nodes.length > 0) nodes.push({ kind: "more", list, offset: next, total });
  return nodes;
}
