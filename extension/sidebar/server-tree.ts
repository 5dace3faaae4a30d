// What the three trees share: every element comes from the server and is drawn by toTreeItem; when
// the server cannot answer, the tree shows one line and asks to be refreshed a little later.
//
// Rows keep their place while the data changes under them:
// - every row has an id, its path in the tree (`/run:12`, `/key:a.ipynb/version:3/run:40`): VS Code
//   names a row's context-menu target by it, so a row that moves (a newer run above it) is still the
//   row that was right-clicked, never its neighbour with the same label;
// - a change is fetched before VS Code hears of it, every level VS Code shows (the root and each
//   expanded row), and VS Code is told only about the topmost levels that differ. VS Code forgets the
//   elements of a level the moment it asks for it again (a click or a menu on them in between gets
//   nothing) and draws the new rows only when they arrive; a preloaded level is handed over at once.
//   A level equal to the one shown is not touched at all.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { errorNode, type OnTreeError } from "./errors";
import { pagedChildren } from "./paged-children";
import type { TreeNode } from "./nodes";
import { toTreeItem } from "./tree-items";

/** The id of the root level; a row's id is its parent level's id, a slash and its own key. */
const ROOT = "";

/** A row's key among its siblings (unique there: a page lists a record once). */
function ownKey(n: TreeNode): string {
  switch (n.kind) {
    case "run":
      return `run:${n.run.id}`;
    case "more":
      return `more:${n.offset}`;
    case "status":
      return `status:${n.status}`;
    case "transformGroup":
      return `transform:${n.transform.id}`;
    case "key":
      return `key:${n.key.key}`;
    case "version":
      return `version:${n.transform.id}`;
    case "registry":
      return `registry:${n.registry}`;
    case "record":
      return `record:${n.record.registry}:${n.record.id}`;
    case "message":
      return `message:${n.text}`;
  }
}

const childId = (parent: string, n: TreeNode) => `${parent}/${ownKey(n)}`;

export abstract class ServerTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private readonly ids = new WeakMap<TreeNode, string>();
  /** What VS Code was last given for each level, by the level's id: the elements and their data. */
  private shown = new Map<string, { nodes: TreeNode[]; json: string }>();
  /** Levels loaded for VS Code's next ask, by id. */
  private preloaded = new Map<string, TreeNode[]>();
  /** Rows the user expanded (by id): their levels are compared and preloaded with the root. */
  private readonly expanded = new Set<string>();
  /** VS Code's own asks still loading: a change waits for what they will show. */
  private readonly asking = new Set<Promise<TreeNode[]>>();
  private generation = 0;
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly viewSubscriptions: vscode.Disposable[] = [];

  constructor(
    protected readonly server: Pick<LaminServer, "request">,
    changed: vscode.Event<void>,
    private readonly onError?: OnTreeError,
  ) {
    this.subscription = changed(() => void this.changed());
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = toTreeItem(node);
    item.id = this.idOf(node);
    return item;
  }

  private idOf(node: TreeNode): string {
    return this.ids.get(node) ?? childId(ROOT, node);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const level = node ? this.idOf(node) : ROOT;
    let nodes = this.preloaded.get(level);
    this.preloaded.delete(level);
    if (!nodes) {
      const load = this.load(node);
      this.asking.add(load);
      try {
        nodes = await load;
      } finally {
        this.asking.delete(load);
      }
    }
    for (const n of nodes) this.ids.set(n, childId(level, n));
    this.shown.set(level, { nodes, json: JSON.stringify(nodes) });
    return nodes;
  }

  /** What a level lists now (what VS Code would get), read without changing what the tree tracks. */
  list(node?: TreeNode): Promise<TreeNode[]> {
    return this.load(node);
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
    this.viewSubscriptions.push(
      view.onDidChangeVisibility(({ visible }) => {
        if (!visible) this.forget();
      }),
      view.onDidExpandElement(({ element }) => this.expanded.add(this.idOf(element))),
      view.onDidCollapseElement(({ element }) => this.expanded.delete(this.idOf(element))),
    );
  }

  private forget(): void {
    this.preloaded = new Map();
    this.shown = new Map();
  }

  /** Every level VS Code shows, loaded now: the root and, under it, each expanded row's level. */
  private async loadShown(level: string, node: TreeNode | undefined, into: Map<string, TreeNode[]>) {
    const nodes = await this.load(node);
    into.set(level, nodes);
    await Promise.all(
      nodes
        .map((n) => [childId(level, n), n] as const)
        .filter(([id]) => this.expanded.has(id) && this.shown.has(id))
        .map(([id, n]) => this.loadShown(id, n, into)),
    );
  }

  /** The element VS Code holds for a level's id (the object it was given, which is how it knows it). */
  private shownElement(level: string): TreeNode | undefined {
    const parent = level.slice(0, level.lastIndexOf("/"));
    return this.shown.get(parent)?.nodes.find((n) => this.ids.get(n) === level);
  }

  /** Load what is shown, then tell VS Code about the topmost levels that differ; the last change wins. */
  private async changed(): Promise<void> {
    const generation = ++this.generation;
    // a first load on its way: compare with what it will show rather than make VS Code drop it
    if (this.view?.visible && !this.shown.has(ROOT)) await Promise.all(this.asking);
    if (generation !== this.generation) return;
    if (!this.view?.visible || !this.shown.has(ROOT)) {
      this.forget();
      this.emitter.fire(undefined);
      return;
    }
    const loaded = new Map<string, TreeNode[]>();
    await this.loadShown(ROOT, undefined, loaded);
    if (generation !== this.generation) return;
    const differ = [...loaded.keys()].filter(
      (level) => JSON.stringify(loaded.get(level)) !== this.shown.get(level)?.json,
    );
    const under = (level: string, of: string) => level.startsWith(`${of}/`);
    // levels VS Code keeps for collapsed rows: dropped too, so that expanding them asks again
    const kept = [...this.shown.keys()].filter((level) => level !== ROOT && !loaded.has(level));
    const refresh = [...differ, ...kept];
    const topmost = refresh.filter((level) => !refresh.some((other) => under(level, other)));
    if (topmost.length === 0) return;
    const elements = topmost.map((level) => this.shownElement(level));
    const redrawn = (level: string) => topmost.some((t) => level === t || under(level, t));
    this.preloaded = new Map([...loaded].filter(([level]) => redrawn(level)));
    for (const level of [...this.shown.keys()])
      if (!loaded.has(level) && redrawn(level)) this.shown.delete(level);
    if (topmost.includes(ROOT)) {
      this.emitter.fire(undefined);
      return;
    }
    // a level whose row VS Code no longer holds (its parent level is gone) needs nothing
    for (const element of elements) if (element) this.emitter.fire(element);
  }

  /** The children of the root (no node) or of one of this tree's elements. */
  protected abstract children(node?: TreeNode): Promise<TreeNode[]>;

  dispose(): void {
    this.subscription.dispose();
    for (const d of this.viewSubscriptions) d.dispose();
    this.emitter.dispose();
  }
}
