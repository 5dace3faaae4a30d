// A real LSP client for the server tests: spawns `node dist/server.js --stdio` and speaks
// JSON-RPC to it with vscode-jsonrpc (vscode-languageclient needs a VS Code host).
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import {
  SERVER_ENV,
  SERVER_NODE_ARGS,
  type LaminInitializationOptions,
  type LaminNotifications,
  type LaminRequests,
} from "../../server/protocol";

export const SERVER = join(__dirname, "..", "..", "dist", "server.js");

export interface Position {
  line: number;
  character: number;
}
export interface CompletionItem {
  label: string;
  detail?: string;
  kind?: number;
  textEdit?: { range: { start: Position; end: Position }; newText: string };
}
export interface TextEdit {
  range: { start: Position; end: Position };
  newText: string;
}
export interface Diagnostic {
  range: { start: Position; end: Position };
  message: string;
  code?: string;
  source?: string;
  data?: unknown;
}

/** The client's end of one LSP connection: a spawned server's stdio, or an in-process server's streams. */
export class LspSession {
  readonly connection: MessageConnection;
  readonly stderr: string[] = [];
  private readonly diagnostics = new Map<string, Diagnostic[]>();
  /** How many times the server published each document's diagnostics. */
  readonly publishes = new Map<string, number>();
  private readonly waiters: Array<() => void> = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  /** What the server answered to `initialize`. */
  capabilities: Record<string, unknown> = {};

  constructor(fromServer: NodeJS.ReadableStream, toServer: NodeJS.WritableStream) {
    this.connection = createMessageConnection(
      new StreamMessageReader(fromServer),
      new StreamMessageWriter(toServer),
    );
    this.connection.onNotification(
      "textDocument/publishDiagnostics",
      (p: { uri: string; diagnostics: Diagnostic[] }) => {
        this.diagnostics.set(p.uri, p.diagnostics);
        this.publishes.set(p.uri, (this.publishes.get(p.uri) ?? 0) + 1);
        this.wake();
      },
    );
    this.connection.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
      this.wake();
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("workspace/configuration", () => []);
    this.connection.listen();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Why the server cannot answer any more (it exited), if so. */
  protected gone(): string | undefined {
    return undefined;
  }

  /** The LSP handshake: initialize with these options, then initialized. */
  async initialize(
    options: LaminInitializationOptions,
    extra: { notebookSync?: boolean; processId?: number | null } = {},
  ): Promise<void> {
    const init = await this.connection.sendRequest("initialize", {
      processId: extra.processId === undefined ? process.pid : extra.processId,
      rootUri: null,
      capabilities: {
        textDocument: {
          completion: { completionItem: { snippetSupport: false } },
          hover: { contentFormat: ["markdown"] },
          publishDiagnostics: {},
        },
        notebookDocument:
          extra.notebookSync === false ? undefined : { synchronization: { executionSummarySupport: true } },
      },
      initializationOptions: options,
    });
    this.capabilities = (init as { capabilities: Record<string, unknown> }).capabilities;
    await this.connection.sendNotification("initialized", {});
  }

  request<M extends keyof LaminRequests>(
    method: M,
    params: LaminRequests[M]["params"],
  ): Promise<LaminRequests[M]["result"]> {
    return this.connection.sendRequest(method, params);
  }

  /**
   * Waits for the server's state: resolves when it reports its database open (the first
   * lamin/connectionChanged is `connected: true`, and lamin/status agrees), rejects when that first report
   * is a failed open or the server exits. Opening a new embedded folder creates LaminDB's 85 tables,
   * minutes on a loaded machine: success has no time limit; `hangGuardMs` only ends a server that neither
   * connects nor fails.
   */
  async ready(hangGuardMs = 15 * 60_000): Promise<void> {
    const opened = await this.waitFor(() => {
      const first = this.notifications.find((n) => n.method === "lamin/connectionChanged");
      if (first) return first.params as { connected: boolean; error?: string };
      const gone = this.gone();
      if (gone) return { connected: false, error: gone };
      return undefined;
    }, hangGuardMs);
    const s = await this.request("lamin/status", {});
    if (!opened.connected || !s.connected)
      throw new Error(`server not connected: ${opened.error ?? s.error ?? "?"}\n${this.stderr.join("")}`);
  }

  openText(uri: string, text: string, languageId = "python", version = 1): void {
    void this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId, version, text },
    });
  }

  changeText(uri: string, text: string, version: number): void {
    void this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Opens a notebook through notebook sync; a cell is its text (Python) or `{ text, languageId }`. */
  openNotebook(uri: string, cells: Array<string | { text: string; languageId: string }>): string[] {
    const cellUris = cells.map((_, i) => `vscode-notebook-cell:${uri.replace(/^file:/, "")}#C${i}`);
    void this.connection.sendNotification("notebookDocument/didOpen", {
      notebookDocument: {
        uri,
        notebookType: "jupyter-notebook",
        version: 1,
        cells: cells.map((_, i) => ({ kind: 2, document: cellUris[i] })),
      },
      cellTextDocuments: cells.map((cell, i) => ({
        uri: cellUris[i],
        version: 1,
        ...(typeof cell === "string" ? { languageId: "python", text: cell } : cell),
      })),
    });
    return cellUris;
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.connection.sendRequest<{ items: CompletionItem[] } | CompletionItem[] | null>(
      "textDocument/completion",
      {
        textDocument: { uri },
        position,
      },
    );
    if (!r) return [];
    return Array.isArray(r) ? r : r.items;
  }

  hover(
    uri: string,
    position: Position,
  ): Promise<{
    contents: { kind: string; value: string };
    range?: { start: Position; end: Position };
  } | null> {
    return this.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position });
  }

  codeActions(
    uri: string,
    diagnostics: Diagnostic[],
  ): Promise<Array<{ title: string; edit: { changes: Record<string, TextEdit[]> } }>> {
    return this.connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics },
    });
  }

  async waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`timed out waiting\n${this.stderr.join("").slice(-2000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async diagnosticsFor(
    uri: string,
    predicate: (d: Diagnostic[]) => boolean = (d) => d.length > 0,
    timeoutMs = 5000,
  ): Promise<Diagnostic[]> {
    return this.waitFor(() => {
      const d = this.diagnostics.get(uri);
      return d && predicate(d) ? d : undefined;
    }, timeoutMs);
  }

  notification<M extends keyof LaminNotifications>(
    method: M,
    predicate: (p: LaminNotifications[M]) => boolean = () => true,
    timeoutMs = 5000,
  ) {
    return this.waitFor(
      () =>
        this.notifications.find((n) => n.method === method && predicate(n.params as LaminNotifications[M]))
          ?.params as LaminNotifications[M] | undefined,
      timeoutMs,
    );
  }
}

/** A real LSP client of a spawned `node dist/server.js --stdio`. */
export class LspClient extends LspSession {
  private constructor(readonly child: ChildProcess) {
    super(child.stdout!, child.stdin!);
    child.stderr!.on("data", (d: Buffer) => this.stderr.push(d.toString()));
  }

  protected override gone(): string | undefined {
    if (this.child.exitCode === null && this.child.signalCode === null) return undefined;
    return `the server exited (${this.child.exitCode ?? this.child.signalCode})`;
  }

  static async start(
    options: LaminInitializationOptions,
    extra: { notebookSync?: boolean; nodeArgs?: string[]; server?: string } = {},
  ): Promise<LspClient> {
    const nodeArgs = [...SERVER_NODE_ARGS, ...(extra.nodeArgs ?? [])];
    // `server`: another build's dist/server.js (a bench comparing two builds in one run)
    const child = spawn(process.execPath, [...nodeArgs, extra.server ?? SERVER, "--stdio"], {
      env: { ...process.env, ...SERVER_ENV },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const client = new LspClient(child);
    await client.initialize(options, extra);
    return client;
  }

  /** Polite shutdown; kill after a grace period. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    try {
      await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 3000))]);
      void this.connection.sendNotification("exit");
    } catch {
      // already gone
    }
    const t = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
    this.connection.dispose();
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill(signal);
    return exited.then(() => this.connection.dispose());
  }
}

/** Position of the first `|` in a template, and the text without it. */
export function at(template: string): { text: string; position: Position } {
  const i = template.indexOf("|");
  const before = template.slice(0, i);
  const lines = before.split("\n");
  return {
    text: template.slice(0, i) + template.slice(i + 1),
    position: { line: lines.length - 1, character: lines[lines.length - 1].length },
  };
}

/** Waits for a lamin/registryChanged of `registry` among the notifications after the first `seen`. */
export function registryChanged(
  client: LspSession,
  seen: number,
  registry: string,
  timeoutMs: number,
): Promise<unknown> {
  return client.waitFor(
    () =>
      client.notifications
        .slice(seen)
        .find(
          (m) =>
            m.method === "lamin/registryChanged" && (m.params as { registry: string }).registry === registry,
        ),
    timeoutMs,
  );
}
