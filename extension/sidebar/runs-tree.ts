// Runs, newest first: flat, or grouped by transform or by status; filtered by status; 100 per page
// with a "Load more…" element that carries its own offset. Every getChildren() asks the server.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { PAGE, toTreeItem, type RunScope, type TreeNode } from "./tree-items";
import { RUN_STATUSES, type ViewSettings } from "./view-settings";
import { errorNode, type OnTreeError } from "./errors";

type Grouping = "transform" | "status" | "none";

export class RunsTree implements vscode.TreeDataProvider<TreeNode> {
  constructor(
    private readonly server: Pick<LaminServer, "request">,
    private readonly settings: ViewSettings,
    readonly onDidChangeTreeData: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {}

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      return await this.children(node);
    } catch (e) {
      return [errorNode(e, this.onError)];
    }
  }

  private scope(): RunScope {
    const status = this.settings.statusFilter;
    return {
      ...(status.length ? { status } : {}),
      ...(this.settings.showTrash ? { includeTrash: true } : {}),
    };
  }

  private async children(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const scope = this.scope();
      const grouped = this.settings.groupBy;
      if (grouped === "status") return this.statusGroups(scope);
      if (grouped === "transform") return this.transformGroups(scope, 0);
      return this.runs(scope, 0, "none", "No runs yet. Run a notebook cell: every execution is recorded.");
    }
    switch (node.kind) {
      case "moreRuns":
        return this.runs(node.scope, node.offset, node.grouped);
      case "status":
        return this.runs(node.scope, 0, "status");
      case "transformGroup":
        return this.runs({ ...node.scope, transformId: node.transform.id }, 0, "transform", "No runs.");
      case "moreTransforms":
        return this.transformGroups(node.scope, node.offset);
      default:
        return [];
    }
  }

  async runs(scope: RunScope, offset: number, grouped: Grouping, empty?: string): Promise<TreeNode[]> {
    const page = await this.server.request("lamin/runs", { ...scope, offset, limit: PAGE });
    const nodes: TreeNode[] = page.items.map((run) => ({ kind: "run", run, grouped }));
    if (offset === 0 && nodes.length === 0 && empty) return [{ kind: "message", text: empty }];
    const next = offset + page.items.length;
    if (next < page.total && page.items.length > 0)
      nodes.push({ kind: "moreRuns", scope, offset: next, total: page.total, grouped });
    return nodes;
  }

  private async statusGroups(scope: RunScope): Promise<TreeNode[]> {
    const statuses = scope.status ?? RUN_STATUSES;
    const counts = await Promise.all(
      statuses.map((s) => this.server.request("lamin/runs", { ...scope, status: [s], offset: 0, limit: 0 })),
    );
    return statuses
      .map((status, i): TreeNode => ({
        kind: "status",
        status,
        count: counts[i].total,
        scope: { ...scope, status: [status] },
      }))
      .filter((n) => n.kind === "status" && n.count > 0);
  }

  private async transformGroups(scope: RunScope, offset: number): Promise<TreeNode[]> {
    const page = await this.server.request("lamin/transforms", { offset, limit: PAGE });
    const nodes: TreeNode[] = page.items.map((transform) => ({ kind: "transformGroup", transform, scope }));
    const next = offset + page.items.length;
    if (next < page.total && page.items.length > 0)
      nodes.push({ kind: "moreTransforms", offset: next, total: page.total, as: "group", scope });
    return nodes;
  }
}
