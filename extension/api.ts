// What activate() returns: used by the integration tests (and by other extensions, if they wish).
import type * as vscode from "vscode";
import type { LaminMethod, Params, Result, RunSummary, TrackEvent } from "../server/protocol";
import type { ServerState } from "./client/server";
import type { DataFrame } from "../db/shapes";

/** A tree element and how the view draws it. `node` goes back as a command argument or parent. */
export interface TreeRow {
  node: unknown;
  item: vscode.TreeItem;
}

export interface LaminExtensionApi {
  /** How long activate() took, in ms. */
  readonly activationMs: number;
  request<M extends LaminMethod>(method: M, params: Params<M>): Promise<Result<M>>;
  readonly server: {
    readonly state: ServerState;
    readonly onDidChangeState: vscode.Event<ServerState>;
    start(): Promise<boolean>;
    stop(): Promise<void>;
    restart(): Promise<void>;
    /** lamin/ping to the running server (never starts one): rejects while none runs. */
    ping(): Promise<{ pid: number }>;
    /** Restarts after a crash or a hang, by the language client or by the watchdog. */
    readonly restarts: number;
    /** Pings the server did not answer in time (each one killed it). */
    readonly hangs: number;
    /** The language client gave up restarting the server and the watchdog's restart is pending or under way. */
    readonly recovering: boolean;
    /** The watchdog's warnings: at most one per window. */
    readonly warningsShown: number;
  };
  readonly tracking: {
    /** On: the setting is on and the workspace is trusted. */
    readonly enabled: boolean;
    /** Events waiting in the durable queue. */
    readonly pending: number;
    /** Why events wait (the server or its database is unreachable); undefined while they flow. */
    readonly unavailable: string | undefined;
    readonly queueDir: string | undefined;
    flush(): Promise<void>;
    readonly onDidDeliver: vscode.Event<TrackEvent>;
  };
  readonly statusBar: {
    readonly text: string | undefined;
    readonly run: RunSummary | undefined;
    refresh(): Promise<void>;
  };
  readonly views: {
    /** The Runs view's badge: the number of running runs. */
    readonly runsBadge: vscode.ViewBadge | undefined;
    /** Fires after a (debounced) refresh of the Runs view recomputed the badge. */
    readonly onDidRefresh: vscode.Event<void>;
    runs(parent?: unknown): Promise<TreeRow[]>;
    transforms(parent?: unknown): Promise<TreeRow[]>;
    registries(parent?: unknown): Promise<TreeRow[]>;
  };
  readonly panels: {
    readonly describeVisible: boolean;
    /** The describe panel's page has loaded and said so ("ready"): it draws what it is sent. */
    readonly describeReady: boolean;
    readonly onDidDescribe: vscode.Event<{ registry: string; uid: string }>;
    readonly onDidRunQuery: vscode.Event<{ query: string; frame?: DataFrame; error?: string }>;
    /** The labels of each completion list the explorer's editor received. */
    readonly onDidComplete: vscode.Event<string[]>;
  };
  /** The id of the "LaminDB" query-cell controller. */
  readonly queryControllerId: string;
}
