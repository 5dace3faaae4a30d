// The language server's life cycle: started lazily after activate() returned, restarted when the
// connection settings or workspace trust change. The server is the one process that opens the database.
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  SERVER_NODE_ARGS,
  type LaminInitializationOptions,
  type LaminMethod,
  type LaminNotification,
  type LaminNotifications,
  type Params,
  type Result,
} from "../../server/protocol";
import { Disposable, toDisposable } from "../util/disposable";
import { redactingChannel } from "./redacting-channel";
import { onNotification, request, sendNotification } from "./requests";

export type ServerState = "stopped" | "starting" | "running" | "failed";

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
  private starting: Promise<LanguageClient | undefined> | undefined;
  private secrets: string[] = [];
  private current: ServerState = "stopped";
  private lastError: string | undefined;
  private readonly stateEmitter = this.track(new vscode.EventEmitter<ServerState>());
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
    return this.current === "running" && this.client?.state === State.Running;
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

  private ensureStarted(): Promise<LanguageClient | undefined> {
    if (this.halted) return Promise.resolve(undefined);
    if (this.isRunning) return Promise.resolve(this.client);
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
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_ARGS] } },
      debug: {
        module,
        transport: TransportKind.stdio,
        options: { execArgv: [...SERVER_NODE_ARGS, "--nolazy", "--inspect=6019"] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      initializationOptions: start.options,
      outputChannel: this.log,
      traceOutputChannel: redactingChannel(this.log, () => this.secrets),
      // connection problems are reported by the extension with next steps, not as raw popups
      initializationFailedHandler: (error) => {
        this.log.error(
          `server initialisation failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      },
    };
    const client = new LanguageClient("lamindb", "LaminDB", serverOptions, clientOptions);
    this.clientDisposables.push(
      client.onDidChangeState((e) => {
        if (this.client !== client) return;
        if (e.newState === State.Running) this.setState("running");
        else if (e.newState === State.Stopped && this.current === "running") this.setState("failed");
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

  private fail(message: string): undefined {
    this.lastError = message;
    this.log.error(message);
    this.setState("failed");
    return undefined;
  }
}
