// activate() only wires parts together and returns at once: the language server (which owns the
// database) starts right after, and tracking opens its queue then. See docs/extension.md.
import { reportVisibleRanges } from "./client/visible-ranges";
import * as vscode from "vscode";
import { dirname } from "node:path";
import type { TrackEvent } from "../server/protocol";
import type { LaminExtensionApi } from "./api";
import { LaminServer } from "./client/server";
import { ServerWatchdog } from "./client/watchdog";
import { registerCommands } from "./commands/register";
import { Commands, Settings } from "./commands/ids";
import { RunDescriptions } from "./commands/run-descriptions";
import {
  affectsConnection,
  affectsQueryCellLimits,
  Passwords,
  queryCellLimits,
  trackingEnabled,
  trackingKeyConvention,
} from "./connections";
import { buildInitializationOptions } from "./connections/options";
import { QueryController } from "./kernel/query-controller";
import { DescribePanel } from "./panels/describe-panel";
import { RendererMessaging } from "./panels/renderer-messaging";
import { RunsExplorer } from "./panels/runs-explorer";
import { Sidebar } from "./sidebar/sidebar";
import type { TreeNode } from "./sidebar/nodes";
import type { ServerTree } from "./sidebar/server-tree";
import { toTreeItem } from "./sidebar/tree-items";
import { RunStatusBar } from "./status-bar";
import type { Tracking } from "./tracking/tracking";
import { isTrusted, onDidGrantTrust } from "./trust";
import { Disposable, toDisposable } from "./util/disposable";

class LaminExtension extends Disposable {
  readonly log = this.track(vscode.window.createOutputChannel("LaminDB", { log: true }));
  readonly server: LaminServer;
  readonly watchdog: ServerWatchdog;
  readonly statusBar: RunStatusBar;
  readonly sidebar: Sidebar;
  readonly describePanel: DescribePanel;
  readonly explorer: RunsExplorer;
  readonly queryController: QueryController;
  private trackingPart: Tracking | undefined;
  private trackingLoad: Promise<void> | undefined;
  private warnedOutage = false;
  private readonly delivered = this.track(new vscode.EventEmitter<TrackEvent>());

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    const passwords = new Passwords(context.secrets);
    this.server = this.track(
      new LaminServer(context, this.log, () => buildInitializationOptions(context, passwords, isTrusted())),
    );
    this.watchdog = this.startWatchdog();
    this.statusBar = this.track(new RunStatusBar(this.server, () => this.trackingPart));
    // the views, panels and the query kernel only ask the server when used
    this.sidebar = this.track(new Sidebar(this.server, context.workspaceState));
    this.describePanel = this.track(new DescribePanel(this.server, context.extensionUri));
    this.explorer = this.track(
      new RunsExplorer(this.server, context.extensionUri, this.describePanel, this.log),
    );
    this.queryController = this.track(new QueryController(this.server));
    this.track(new RendererMessaging(this.server, this.describePanel, this.log));
    this.track(reportVisibleRanges(this.server));
    for (const d of registerCommands({
      server: this.server,
      descriptions: this.track(new RunDescriptions(this.server)),
      passwords,
      log: this.log,
      tracking: () => this.trackingPart,
      inspect: {
        sidebar: () => this.sidebar,
        describe: () => this.describePanel,
        explorer: () => this.explorer,
      },
    }))
      this.track(d);
    this.track(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsConnection(e) && this.server.state !== "stopped") void this.server.restart();
        // a server that starts later reads them in its initializationOptions
        else if (affectsQueryCellLimits(e))
          this.server.notifyIfRunning("lamin/queryCellLimits", queryCellLimits());
      }),
    );
    this.track(
      onDidGrantTrust(() => {
        this.startTracking();
        void this.server.restart();
      }),
    );
    // after activate() returned: nothing here may delay the extension host
    const timer = setTimeout(() => this.startLazily(), 0);
    this.track(toDisposable(() => clearTimeout(timer)));
  }

  /** Pings the server, kills it when it hangs, restarts it when the client gave up; tells the user once. */
  private startWatchdog(): ServerWatchdog {
    const server = this.server;
    const watchdog = new ServerWatchdog({
      ping: () => server.ping(),
      running: () => server.isRunning,
      kill: (pid) => server.kill(pid),
      restart: async () => {
        if (server.state === "stopped") return undefined; // stopped on purpose while the restart waited
        if (server.isRunning) return true; // a request started it meanwhile
        await server.restart();
        return server.isRunning;
      },
      warn: (reason) => void this.reportWatchdog(reason),
      log: (m) => this.log.warn(m),
    });
    this.track(watchdog);
    this.track(
      server.onDidCrash((c) =>
        c.clientRestarts ? watchdog.clientRestarted(c.reason) : watchdog.clientGaveUp(c.reason),
      ),
    );
    return watchdog;
  }

  private async reportWatchdog(reason: string): Promise<void> {
    const pick = await vscode.window.showWarningMessage(
      `LaminDB: ${reason}. Completion pauses meanwhile; tracking events wait on disk and are sent when it ` +
        "is back. If this repeats, the log says what the server was doing.",
      "Show log",
    );
    if (pick === "Show log") this.log.show();
  }

  private startLazily(): void {
    this.startTracking();
    void this.server.start().then((client) => {
      if (!client) void this.reportStartFailure();
    });
  }

  get tracking(): Tracking | undefined {
    return this.trackingPart;
  }

  /** Tracking is its own bundle (dist/tracking.js, with picomatch): loaded here, after activate() returned. */
  private startTracking(): void {
    if (this.trackingLoad || !isTrusted() || this.isDisposed) return;
    this.trackingLoad = import("./tracking/tracking").then(
      (m) => this.createTracking(m),
      (e: unknown) => {
        this.trackingLoad = undefined; // the next trust grant or window tries again
        this.log.error(`could not load tracking (dist/tracking.js): ${String(e)}`);
      },
    );
  }

  private createTracking({ Tracking, trackingExclude }: typeof import("./tracking/tracking")): void {
    if (this.isDisposed) return;
    this.trackingPart = this.track(
      new Tracking(this.context, this.server, {
        enabled: () => isTrusted() && trackingEnabled(),
        exclude: trackingExclude,
        keyConvention: trackingKeyConvention,
        onUnavailable: (error, queued, serverDown) => void this.reportOutage(error, queued, serverDown),
        log: this.log,
      }),
    );
    this.track(
      this.trackingPart.onDidDeliver((e) => {
        this.warnedOutage = false;
        this.delivered.fire(e);
      }),
    );
    this.statusBar.attach(this.trackingPart);
  }

  /** One message per outage: what happened, that nothing is lost, and what to check. */
  private async reportOutage(error: string, queued: number, serverDown: boolean): Promise<void> {
    this.log.warn(`tracking: ${queued} event(s) queued, server or database unavailable: ${error}`);
    // a server that is stopped, did not start or crashed is reported where that happens (the watchdog)
    if (this.warnedOutage || this.server.state === "stopped" || serverDown) return;
    this.warnedOutage = true;
    const postgres = this.server.label.startsWith("PostgreSQL");
    const actions = postgres
      ? ["Check the URL", "Switch instance", "Show log"]
      : ["Restart server", "Show log"];
    const pick = await vscode.window.showWarningMessage(
      `LaminDB: cannot reach ${this.server.label || "the database"} (${error}). ` +
        `${queued} tracking event(s) are kept on disk and sent, in order, when it is back.` +
        (postgres ? " Check that the server runs and that lamindb.postgres.url is right." : ""),
      ...actions,
    );
    if (pick === "Check the URL")
      await vscode.commands.executeCommand(
        "workbench.action.openSettings",
        `${Settings.section}.${Settings.postgresUrl}`,
      );
    else if (pick === "Switch instance") await vscode.commands.executeCommand(Commands.switchInstance);
    else if (pick === "Restart server") await vscode.commands.executeCommand(Commands.restartServer);
    else if (pick === "Show log") this.log.show();
  }

  private async reportStartFailure(): Promise<void> {
    const pick = await vscode.window.showErrorMessage(
      `LaminDB: the language server did not start (${this.server.error ?? "unknown error"}). ` +
        "Runs are still recorded on disk and sent once it runs. Check the log, then restart it or switch to the embedded database.",
      "Show log",
      "Restart server",
      "Switch instance",
    );
    if (pick === "Show log") this.log.show();
    else if (pick === "Restart server") await vscode.commands.executeCommand(Commands.restartServer);
    else if (pick === "Switch instance") await vscode.commands.executeCommand(Commands.switchInstance);
  }

  api(activationMs: number): LaminExtensionApi {
    const tracking = () => this.tracking;
    const statusBar = this.statusBar;
    const server = this.server;
    const watchdog = this.watchdog;
    const sidebar = this.sidebar;
    const describePanel = this.describePanel;
    const explorer = this.explorer;
    // what a tree lists now, read without touching what VS Code was given (ServerTree.list)
    const rows = async (tree: ServerTree, node?: TreeNode) =>
      (await tree.list(node)).map((n) => ({ node: n, item: toTreeItem(n) }));
    return {
      activationMs,
      request: (method, params) => server.request(method, params),
      server: {
        get state() {
          return server.state;
        },
        onDidChangeState: server.onDidChangeState,
        start: async () => (await server.start()) !== undefined,
        stop: () => server.stop(),
        restart: () => server.restart(),
        ping: () => server.ping(),
        get restarts() {
          return watchdog.restarts;
        },
        get hangs() {
          return watchdog.hangs;
        },
        get recovering() {
          return watchdog.recovering;
        },
        get warningsShown() {
          return watchdog.warningsShown;
        },
      },
      tracking: {
        get enabled() {
          return isTrusted() && trackingEnabled() && tracking() !== undefined;
        },
        get pending() {
          return tracking()?.pending ?? 0;
        },
        get unavailable() {
          return tracking()?.unavailable;
        },
        get queueDir() {
          const t = tracking();
          return t ? dirname(t.queue.path) : undefined;
        },
        flush: async () => tracking()?.flush(),
        onDidDeliver: this.delivered.event,
      },
      statusBar: {
        get text() {
          return statusBar.text;
        },
        get run() {
          return statusBar.run;
        },
        refresh: () => statusBar.refresh(),
      },
      views: {
        get runsBadge() {
          return sidebar.badge;
        },
        onDidRefresh: sidebar.onDidRefresh,
        runs: (node) => rows(sidebar.runs, node as TreeNode | undefined),
        transforms: (node) => rows(sidebar.transforms, node as TreeNode | undefined),
        registries: (node) => rows(sidebar.registries, node as TreeNode | undefined),
      },
      panels: {
        get describeVisible() {
          return describePanel.visible;
        },
        get describeReady() {
          return describePanel.isReady;
        },
        onDidDescribe: describePanel.onDidShow,
        onDidRunQuery: explorer.onDidRunQuery,
        onDidComplete: explorer.onDidComplete,
      },
      queryControllerId: this.queryController.id,
    };
  }
}

export function activate(context: vscode.ExtensionContext): LaminExtensionApi {
  const t0 = performance.now();
  const ext = new LaminExtension(context);
  context.subscriptions.push(ext);
  return ext.api(performance.now() - t0);
}

export function deactivate(): void {
  // context.subscriptions dispose everything; the server stops with its client
}
