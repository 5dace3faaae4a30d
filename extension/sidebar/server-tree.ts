// What the three trees share: every element comes from the server and is drawn by toTreeItem; when
// the server cannot answer, the tree shows one line and asks to be refreshed a little later.
import type * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { errorNode, type OnTreeError } from "./errors";
import { pagedChildren } from "./paged-children";
import type { TreeNode } from "./nodes";
import { toTreeItem } from "./tree-items";

export abstract class ServerTree implements vscode.TreeDataProvider<TreeNode> {
  constructor(
    protected readonly server: Pick<LaminServer, "request">,
    readonly onDidChangeTreeData: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {}

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (node?.kind === "more") return await pagedChildren(this.server, node.list, node.offset);
      return await this.children(node);
    } catch (e) {
      return [errorNode(e, this.onError)];
    }
  }

  /** The children of the root (no node) or of one of this tree's elements. */
  protected abstract children(node?: TreeNode): Promise<TreeNode[]>;
}
