// The language server's life cycle: started lazily after activate() returned, restarted when the
// connection settings or workspace trust change. The server is the one process that opens the database.
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import type {
  ErrorHandler,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import {
  SERVER_ENV,
  SERVER_NODE_ARGS,
  type LaminInitializationOptions,
  type LaminMethod,
  type LaminNotification,
  type LaminClientNotifications,
  type LaminNotifications,
  type Params,
  type Result,
} from "../../server/protocol";
import { Disposable, toDisposable } from "../util/disposable";
import { levelledChannel } from "./levelled-channel";
import { redactingChannel } from "./redacting-channel";
import { onNotification, request, sendNotification } from "./requests";

export type ServerState = "stopped" | "starting" | "running" | "failed";

/** The server's connection closed without stop(): the client restarts it, or gave up (the watchdog's turn). */
export interface ServerCrash {
  clientRestarts: boolean;
  reason: string;
}

type ClientModule = typeof import("./languageclient");
let clientModule: Promise<ClientModule> | undefined;
/** vscode-languageclient is loaded on the first start (its own bundle), not when the extension activates. */
const languageClient = (): Promise<ClientModule> => (clientModule ??= import("./languageclient"));

export interface ServerStartOptions {
  options: LaminInitializationOptions;
  secrets: string[];
  label: string;
}

/** Notebook cells and files the server completes in: Python everywhere, JS/TS query cells in notebooks. */
const DOCUMENT_SELECTOR: LanguageClientOptions["documentSelector"] = [
  { language: "python" },
  { scheme: "vscode-notebook-cell", language: "python" },
  { scheme: "vscode-notebook-cell", language: "javascript" },
  { scheme: "vscode-notebook-cell", language: "typescript" },
];

export class LaminServer extends Disposable {
  private client: LanguageClient | undefined;
  /** Set with the first client: vscode-languageclient's State, to read a client's state synchronously. */
  private states: ClientModule["State"] | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private secrets: string[] = [];
  private current: ServerState = "stopped";
  private lastError: string | undefined;
  private readonly stateEmitter = this.track(new vscode.EventEmitter<ServerState>());
  private readonly crashEmitter = this.track(new vscode.EventEmitter<ServerCrash>());
  /** The client restarts a server that closed: until it runs, requests wait for it. */
  private clientRestarting: Promise<void> | undefined;
  readonly onDidCrash = this.crashEmitter.event;
  private readonly handlers: Array<{ name: LaminNotification; fn: (p: never) => void }> = [];
  private readonly clientDisposables: vscode.Disposable[] = [];
  readonly onDidChangeState = this.stateEmitter.event;
  label = "";

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: () => Promise<ServerStartOptions>,
  ) {
    super();
    this.track(toDisposable(() => void this.stop()));
    // a server behind a pooler polls for other users' writes only while its window is focused
    this.track(vscode.window.onDidChangeWindowState((s) => this.sendFocus(s.focused)));
  }

  private sendFocus(focused: boolean): void {
    if (this.client && this.isRunning)
      void sendNotification(this.client, "lamin/windowFocus", { focused }).catch(() => {});
  }

  get state(): ServerState {
    return this.current;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  get isRunning(): boolean {
    return this.current === "running" && !!this.states && this.client?.state === this.states.Running;
  }

  /** The server closed and the client is starting it again. */
  get isRestarting(): boolean {
    return this.clientRestarting !== undefined;
  }

  /** lamin/ping, for the watchdog: rejects when no server runs. */
  ping(): Promise<Result<"lamin/ping">> {
    return this.requestIfRunning("lamin/ping", {}) ?? Promise.reject(new Error("the server is not running"));
  }

  /** Ends a hung server process (it cannot stop itself); the client sees the connection close. */
  kill(pid: number): void {
    try {
      process.kill(pid, "SIGKILL");
      this.log.warn(`killed the hung server process ${pid}`);
    } catch (e) {
      this.log.warn(`could not kill the server process ${pid}: ${String(e)}`);
    }
  }

  /** Starts the server once; concurrent callers share the start. Resolves undefined when it failed. */
  start(): Promise<LanguageClient | undefined> {
    this.halted = false;
    return this.ensureStarted();
  }

  /**
   * Set by stop(): until start() (or restart()), requests do not start the server again. A request made
   * while stop() waits for the process (the badge's refresh, a tree) would otherwise start a second one.
   */
  private halted = false;

  private async ensureStarted(): Promise<LanguageClient | undefined> {
    if (this.halted) return undefined;
    if (this.isRunning) return this.client;
    // a second client now would leave the restarting one's process running beside it
    if (this.clientRestarting) {
      await this.clientRestarting;
      if (this.halted) return undefined;
      if (this.isRunning) return this.client;
    }
    this.starting ??= this.startWithProgress().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.starting;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.halted = true;
    const client = this.client;
    this.client = undefined;
    this.settleRestart?.();
    this.clientDisposables.splice(0).forEach((d) => d.dispose());
    if (client) {
      try {
        await client.stop(5000);
      } catch (e) {
        this.log.warn(`server stop: ${String(e)}`);
      }
    }
    this.setState("stopped");
  }

  /** A typed lamin/* request; starts the server if needed. */
  async request<M extends LaminMethod>(method: M, params: Params<M>): Promise<Result<M>> {
    const client = await this.ensureStarted();
    if (this.halted)
      throw new Error("The LaminDB server is stopped: run “LaminDB: Restart language server” to start it.");
    if (!client) throw new Error(`LaminDB server is not running: ${this.lastError ?? "it failed to start"}`);
    return request(client, method, params);
  }

  /** A request only if the server already runs (never starts it): for the tracking queue. */
  requestIfRunning<M extends LaminMethod>(method: M, params: Params<M>): Promise<Result<M>> | undefined {
    return this.isRunning && this.client ? request(this.client, method, params) : undefined;
  }

  /** A notification to the server if it already runs (never starts it). */
  notifyIfRunning<N extends keyof LaminClientNotifications>(
    name: N,
    params: LaminClientNotifications[N],
  ): void {
    if (this.isRunning && this.client) void this.client.sendNotification(name, params);
  }

  /** Registers a notification handler that survives restarts. */
  onNotification<N extends LaminNotification>(
    name: N,
    fn: (p: LaminNotifications[N]) => void,
  ): vscode.Disposable {
    const entry = { name, fn: fn as (p: never) => void };
    this.handlers.push(entry);
    if (this.client) this.clientDisposables.push(onNotification(this.client, name, fn));
    return toDisposable(() => this.handlers.splice(this.handlers.indexOf(entry), 1));
  }

  private setState(s: ServerState): void {
    if (s === this.current) return;
    this.current = s;
    this.stateEmitter.fire(s);
  }

  private async startWithProgress(): Promise<LanguageClient | undefined> {
    this.setState("starting");
    // a quick start shows in the status bar only; a slow one (first start, migrations) gets a notification
    let done = false;
    const slow = setTimeout(() => {
      if (done) return;
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `LaminDB: opening ${this.label || "the database"} (creating or migrating it if needed)…`,
        },
        async () => {
          await this.starting;
        },
      );
    }, 1500);
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "LaminDB: starting" },
        () => this.doStart(),
      );
    } finally {
      done = true;
      clearTimeout(slow);
    }
  }

  private async doStart(): Promise<LanguageClient | undefined> {
    const module = this.context.asAbsolutePath("dist/server.js");
    if (!existsSync(module))
      return this.fail(`the server bundle ${module} is missing: run \`npm run build\``);
    let start: ServerStartOptions;
    try {
      start = await this.options();
    } catch (e) {
      return this.fail(`could not read the connection settings: ${String(e)}`);
    }
    this.secrets = start.secrets;
    this.label = start.label;
    let lc: ClientModule;
    try {
      lc = await languageClient();
    } catch (e) {
      return this.fail(`could not load the language client (dist/languageclient.js): ${String(e)}`);
    }
    const { CloseAction, ErrorAction, LanguageClient, State, TransportKind } = lc;
    this.states = State;
    const serverOptions: ServerOptions = {
      run: {
        module,
        transport: TransportKind.stdio,
        options: { execArgv: [...SERVER_NODE_ARGS], env: { ...SERVER_ENV } },
      },
      debug: {
        module,
        transport: TransportKind.stdio,
        options: { execArgv: [...SERVER_NODE_ARGS, "--nolazy", "--inspect=6019"], env: { ...SERVER_ENV } },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      initializationOptions: start.options,
      outputChannel: levelledChannel(this.log),
      traceOutputChannel: redactingChannel(this.log, () => this.secrets),
      // connection problems are reported by the extension with next steps, not as raw popups
      initializationFailedHandler: (error) => {
        this.log.error(
          `server initialisation failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      },
      // restarts after a crash, as the client's own rules say, reported to the watchdog
      errorHandler: this.errorHandler(() => client, CloseAction, ErrorAction),
    };
    const client = new LanguageClient("lamindb", "LaminDB", serverOptions, clientOptions);
    this.clientDisposables.push(
      client.onDidChangeState((e) => {
        if (this.client !== client) return;
        if (e.newState === State.Running) this.setState("running");
        else if (e.newState === State.Stopped && this.current === "running") this.setState("failed");
        // the client's own restart did not start (its initialize failed or the process died at once):
        // the client tries no more, so it is the watchdog's turn, as after the client's restart limit
        if (e.oldState === State.Starting && e.newState === State.Stopped && this.clientRestarting) {
          const reason = "the language client's restart of it did not start";
          this.log.warn(`server: ${reason}`);
          this.settleRestart?.();
          this.crashEmitter.fire({ clientRestarts: false, reason });
        }
        // a restart ends running, or stopped after starting (the Stopped before it is the close)
        if (e.newState === State.Running || e.oldState === State.Starting) this.settleRestart?.();
      }),
    );
    for (const h of this.handlers) this.clientDisposables.push(onNotification(client, h.name, h.fn as never));
    this.client = client;
    const t0 = Date.now();
    try {
      await client.start();
    } catch (e) {
      this.client = undefined;
      return this.fail(`the server did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.log.info(
      `server started in ${Date.now() - t0} ms (${this.label}, trusted: ${start.options.trusted})`,
    );
    this.lastError = undefined;
    this.setState("running");
    this.sendFocus(vscode.window.state.focused);
    return client;
  }

  private settleRestart: (() => void) | undefined;

  /**
   * The client's own rules (restart up to five times in three minutes), told to the watchdog through
   * onDidCrash; its popups are left to the watchdog's one warning (`handled`).
   */
  private errorHandler(
    client: () => LanguageClient,
    CloseAction: ClientModule["CloseAction"],
    ErrorAction: ClientModule["ErrorAction"],
  ): ErrorHandler {
    let rules: ErrorHandler | undefined;
    const defaults = () => (rules ??= client().createDefaultErrorHandler());
    return {
      // A write to a server that just died fails (EPIPE) before its close is seen: the client's default
      // shuts the client down after the fourth such error, and a client stopping itself never calls
      // closed(), so neither it nor the watchdog would start the server again (seen at load 20: a
      // SIGKILLed server while requests were on their way). Its close comes anyway and decides.
      error: (error) => {
        this.log.warn(`server connection: ${error.message}`);
        return { action: ErrorAction.Continue, handled: true };
      },
      closed: async () => {
        const r = await defaults().closed();
        if (this.client !== client()) return { action: CloseAction.DoNotRestart, handled: true };
        const clientRestarts = r.action === CloseAction.Restart;
        const reason = clientRestarts
          ? "its process ended"
          : "its process ended again after the language client's restart limit (5 in 3 minutes)";
        this.log.warn(`server: ${reason}${clientRestarts ? "; the language client restarts it" : ""}`);
        if (clientRestarts)
          this.clientRestarting ??= new Promise<void>((resolve) => {
            this.settleRestart = () => {
              this.clientRestarting = undefined;
              this.settleRestart = undefined;
              resolve();
            };
          });
        this.crashEmitter.fire({ clientRestarts, reason });
        return { action: r.action, handled: true };
      },
    };
  }

  private fail(message: string): undefined {
    this.lastError = message;
    this.log.error(message);
    this.setState("failed");
    return undefined;
  }
}
