// What the three trees share: every element comes from the server and is drawn by toTreeItem; when
// the server cannot answer, the tree shows one line and asks to be refreshed a little later.
//
// A change is fetched before VS Code hears of it. VS Code drops the commands (and their arguments) of a
// tree's rows the moment it asks for the new children, and draws the new rows only when they arrive: a
// click in between does nothing. So a shown tree loads its new root first and hands it over at once when
// asked, and says nothing at all when the root it would show is the one already shown (a burst of change
// notifications for one write, a change elsewhere): a row is never replaced by an equal row.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { errorNode, type OnTreeError } from "./errors";
import { pagedChildren } from "./paged-children";
import type { TreeNode } from "./nodes";
import { toTreeItem } from "./tree-items";

/** Kinds whose children come from the server: an equal root says nothing about what is under them. */
const EXPANDABLE = new Set<TreeNode["kind"]>(["status", "transformGroup", "key", "version", "registry"]);

export abstract class ServerTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  /** The root as last handed to VS Code (serialised), and a root loaded for the next ask. */
  private shownRoot: string | undefined;
  private loadedRoot: TreeNode[] | undefined;
  /** VS Code's own ask for the root, while it is loading (the view just showed, or a refresh). */
  private rootLoad: Promise<unknown> | undefined;
  private generation = 0;
  private view: vscode.TreeView<TreeNode> | undefined;
  private viewSubscription: vscode.Disposable | undefined;

  constructor(
    protected readonly server: Pick<LaminServer, "request">,
    changed: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {
    this.subscription = changed(() => void this.changed());
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node && this.loadedRoot) {
      const root = this.loadedRoot;
      this.loadedRoot = undefined;
      this.shownRoot = JSON.stringify(root);
      return root;
    }
    if (node) return this.load(node);
    const load = this.load();
    this.rootLoad = load;
    const nodes = await load;
    if (this.rootLoad === load) this.rootLoad = undefined;
    this.shownRoot = JSON.stringify(nodes);
    return nodes;
  }

  private async load(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (node?.kind === "more") return await pagedChildren(this.server, node.list, node.offset);
      return await this.children(node);
    } catch (e) {
      return [errorNode(e, this.onError)];
    }
  }

  /** The view that shows this tree: a hidden view is asked nothing, and asks afresh when it shows. */
  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
    this.viewSubscription = view.onDidChangeVisibility(({ visible }) => {
      if (!visible) this.forget();
    });
  }

  private forget(): void {
    this.loadedRoot = undefined;
    this.shownRoot = undefined;
  }

  /**
   * Load the root, then tell VS Code only if it differs; of overlapping loads, only the last counts. A
   * change that comes while VS Code's own first load is on its way waits for it and compares with what
   * it shows: telling VS Code at once would make it drop the rows it is about to draw (and a click on
   * them) for a second load.
   */
  private async changed(): Promise<void> {
    const generation = ++this.generation;
    if (this.view?.visible && this.shownRoot === undefined) await this.rootLoad;
    if (generation !== this.generation) return;
    if (!this.view?.visible || this.shownRoot === undefined) {
      this.forget();
      this.emitter.fire();
      return;
    }
    const root = await this.load();
    if (generation !== this.generation) return;
    const same = JSON.stringify(root) === this.shownRoot && !root.some((n) => EXPANDABLE.has(n.kind));
    if (same) return;
    this.loadedRoot = root;
    this.emitter.fire();
  }

  /** The children of the root (no node) or of one of this tree's elements. */
  protected abstract children(node?: TreeNode): Promise<TreeNode[]>;

  dispose(): void {
    this.subscription.dispose();
    this.viewSubscription?.dispose();
    this.emitter.dispose();
  }
}
