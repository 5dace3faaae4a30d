// The LaminDB view container: Runs (with the running-runs badge), Transforms, Registries. The trees
// refresh, debounced, when the server says runs or registries changed (its own writes and, through
// LISTEN/NOTIFY or polling, anyone else's) and when it (re)starts.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import { Views } from "../commands/ids";
import { Disposable, toDisposable } from "../util/disposable";
import { runningBadge } from "./badge";
import { RegistriesTree } from "./registries-tree";
import { RunsTree } from "./runs-tree";
import type { TreeNode } from "./nodes";
import { TransformsTree } from "./transforms-tree";
import { ViewSettings } from "./view-settings";

const DEBOUNCE_MS = 250;

/** A debounced "changed" signal: many notifications in a burst make one refresh. */
class Debounced extends Disposable {
  private readonly emitter = this.track(new vscode.EventEmitter<void>());
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly event = this.emitter.event;

  constructor() {
    super();
    this.track(toDisposable(() => clearTimeout(this.timer)));
  }

  fire(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emitter.fire(), DEBOUNCE_MS);
  }
}

export class Sidebar extends Disposable {
  readonly settings: ViewSettings;
  readonly runs: RunsTree;
  readonly transforms: TransformsTree;
  readonly registries: RegistriesTree;
  readonly runsView: vscode.TreeView<TreeNode>;
  private readonly runsChanged = this.track(new Debounced());
  private readonly transformsChanged = this.track(new Debounced());
  private readonly registriesChanged = this.track(new Debounced());
  private readonly refreshed = this.track(new vscode.EventEmitter<void>());
  /** Fires after the badge was recomputed (tests wait on it). */
  readonly onDidRefresh = this.refreshed.event;

  constructor(
    private readonly server: LaminServer,
    state: vscode.Memento,
  ) {
    super();
    this.settings = this.track(new ViewSettings(state));
    const retry = () => this.retrySoon();
    this.runs = this.track(new RunsTree(server, this.settings, this.runsChanged.event, retry));
    this.transforms = this.track(new TransformsTree(server, this.transformsChanged.event, retry));
    this.registries = this.track(new RegistriesTree(server, this.registriesChanged.event, retry));
    this.runsView = this.track(
      vscode.window.createTreeView(Views.runs, { treeDataProvider: this.runs, showCollapseAll: true }),
    );
    this.runs.attach(this.runsView);
    const transformsView = this.track(
      vscode.window.createTreeView(Views.transforms, {
        treeDataProvider: this.transforms,
        showCollapseAll: true,
      }),
    );
    this.transforms.attach(transformsView);
    const registriesView = this.track(
      vscode.window.createTreeView(Views.registries, { treeDataProvider: this.registries }),
    );
    this.registries.attach(registriesView);
    this.track(this.runsChanged.event(() => void this.updateBadge()));
    this.track(this.settings.onDidChange(() => this.runsChanged.fire()));
    this.track(server.onNotification("lamin/runChanged", () => this.onRunChanged()));
    this.track(
      server.onNotification("lamin/registryChanged", ({ registry }) => {
        if (registry === "*") return this.refresh();
        if (registry === "Run") this.onRunChanged();
        else if (registry === "Transform") {
          this.transformsChanged.fire();
          this.runsChanged.fire();
        } else this.registriesChanged.fire();
        if (registry !== "Run") this.registriesChanged.fire();
      }),
    );
    // a tree asked while the database was still opening shows an error: ask again once it is connected
    this.track(server.onNotification("lamin/connectionChanged", () => this.refresh()));
    this.track(toDisposable(() => clearTimeout(this.retryTimer)));
    this.track(
      server.onDidChangeState((s) => {
        if (s === "running" || s === "failed") this.refresh();
      }),
    );
  }

  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** A tree could not list (server starting, database opening): ask again in 2 s, while it is shown. */
  private retrySoon(): void {
    if (this.retryTimer || this.isDisposed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.refresh();
    }, 2000);
  }

  private onRunChanged(): void {
    this.runsChanged.fire();
    this.transformsChanged.fire();
  }

  refresh(): void {
    this.runsChanged.fire();
    this.transformsChanged.fire();
    this.registriesChanged.fire();
  }

  get badge(): vscode.ViewBadge | undefined {
    return this.runsView.badge;
  }

  private async updateBadge(): Promise<void> {
    if (this.server.state !== "running") return;
    try {
      this.runsView.badge = await runningBadge(this.server);
    } catch {
      // the server is restarting: the next change or start updates the badge
    }
    this.refreshed.fire();
  }
}
