// Transforms by key, their versions under each key, the runs of a version under it. Keys come from a
// page of transforms (newest first); each key is listed once per page.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { errorNode, type OnTreeError } from "./errors";
import type { RunsTree } from "./runs-tree";
import { PAGE, toTreeItem, type TreeNode } from "./tree-items";

export class TransformsTree implements vscode.TreeDataProvider<TreeNode> {
  constructor(
    private readonly server: Pick<LaminServer, "request">,
    private readonly runs: RunsTree,
    readonly onDidChangeTreeData: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {}

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) return await this.keys(0);
      if (node.kind === "moreTransforms") return await this.keys(node.offset);
      if (node.kind === "key") {
        const page = await this.server.request("lamin/transforms", { offset: 0, limit: PAGE, key: node.key });
        return page.items.map((transform) => ({ kind: "version", transform }));
      }
      if (node.kind === "version")
        return await this.runs.runs({ transformId: node.transform.id }, 0, "transform", "No runs.");
      if (node.kind === "moreRuns") return await this.runs.runs(node.scope, node.offset, node.grouped);
      return [];
    } catch (e) {
      return [errorNode(e, this.onError)];
    }
  }

  private async keys(offset: number): Promise<TreeNode[]> {
    const page = await this.server.request("lamin/transforms", { offset, limit: PAGE });
    const seen = new Set<string>();
    const nodes: TreeNode[] = [];
    for (const t of page.items) {
      if (seen.has(t.key)) continue;
      seen.add(t.key);
      nodes.push({ kind: "key", key: t.key, latest: t });
    }
    if (offset === 0 && nodes.length === 0) return [{ kind: "message", text: "No transforms yet." }];
    const next = offset + page.items.length;
    if (next < page.total && page.items.length > 0)
      nodes.push({ kind: "moreTransforms", offset: next, total: page.total, as: "key", scope: {} });
    return nodes;
  }
}
