// Transforms: each key once (paged by key on the server, latest activity first), its versions under it
// (newest first), the runs of a version under that. Every getChildren() asks the server.
import { pagedChildren } from "./paged-children";
import { ServerTree } from "./server-tree";
import type { TreeNode } from "./nodes";

export class TransformsTree extends ServerTree {
  protected children(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return pagedChildren(this.server, { of: "transformKeys" }, 0, "No transforms yet.");
    if (node.kind === "key") return pagedChildren(this.server, { of: "versions", key: node.key.key }, 0);
    if (node.kind === "version") {
      const list = { of: "runs", scope: { transformId: node.transform.id }, grouped: "transform" } as const;
      return pagedChildren(this.server, list, 0, "No runs.");
    }
    return Promise.resolve([]);
  }
}
