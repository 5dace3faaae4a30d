// The registries the issue lists, with their counts; each opens into its records, 100 per page.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { errorNode, type OnTreeError } from "./errors";
import { PAGE, toTreeItem, type TreeNode } from "./tree-items";

export const SHOWN_REGISTRIES = ["ULabel", "Project", "Record", "Feature", "Artifact"];

export class RegistriesTree implements vscode.TreeDataProvider<TreeNode> {
  constructor(
    private readonly server: Pick<LaminServer, "request">,
    readonly onDidChangeTreeData: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {}

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) {
        const counts = await this.server.request("lamin/registryCounts", {});
        const byName = new Map(counts.map((c) => [c.registry, c.count]));
        return SHOWN_REGISTRIES.filter((r) => byName.has(r)).map((registry) => ({
          kind: "registry",
          registry,
          count: byName.get(registry)!,
        }));
      }
      if (node.kind === "registry") return await this.records(node.registry, 0);
      if (node.kind === "moreRecords") return await this.records(node.registry, node.offset);
      return [];
    } catch (e) {
      return [errorNode(e, this.onError)];
    }
  }

  private async records(registry: string, offset: number): Promise<TreeNode[]> {
    const page = await this.server.request("lamin/records", { registry, offset, limit: PAGE });
    const nodes: TreeNode[] = page.items.map((record) => ({ kind: "record", record }));
    const next = offset + page.items.length;
    if (next < page.total && page.items.length > 0)
      nodes.push({ kind: "moreRecords", registry, offset: next, total: page.total });
    return nodes;
  }
}
