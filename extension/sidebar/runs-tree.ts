// Runs, newest first: flat, or grouped by transform (version) or by status; filtered by status; paged
// (paged-children.ts). Every getChildren() asks the server; the view settings say what to ask for.
import type * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import type { OnTreeError } from "./errors";
import { pagedChildren } from "./paged-children";
import { ServerTree } from "./server-tree";
import type { RunScope, TreeNode } from "./tree-items";
import { RUN_STATUSES, type ViewSettings } from "./view-settings";

export class RunsTree extends ServerTree {
  constructor(
    server: Pick<LaminServer, "request">,
    private readonly settings: ViewSettings,
    changed: vscode.Event<void>,
    onError?: OnTreeError,
  ) {
    super(server, changed, onError);
  }

  private scope(): RunScope {
    const status = this.settings.statusFilter;
    return {
      ...(status.length ? { status } : {}),
      ...(this.settings.showTrash ? { includeTrash: true } : {}),
    };
  }

  protected children(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const scope = this.scope();
      const grouped = this.settings.groupBy;
      if (grouped === "status") return this.statusGroups(scope);
      if (grouped === "transform") return pagedChildren(this.server, { of: "transformGroups", scope }, 0);
      return pagedChildren(
        this.server,
        { of: "runs", scope, grouped: "none" },
        0,
        "No runs yet. Run a notebook cell: every execution is recorded.",
      );
    }
    switch (node.kind) {
      case "status":
        return pagedChildren(this.server, { of: "runs", scope: node.scope, grouped: "status" }, 0);
      case "transformGroup": {
        const scope = { ...node.scope, transformId: node.transform.id };
        return pagedChildren(this.server, { of: "runs", scope, grouped: "transform" }, 0, "No runs.");
      }
      default:
        return Promise.resolve([]);
    }
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
}
