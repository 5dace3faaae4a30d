// The language server on one LSP connection, as pyright's languageServerBase is: everything it holds
// (documents, the database, caches, schedulers, query kernels, named instances, its log) is instance
// state, so two servers can live in one process (the in-process tests run two). main.ts gives it the
// stdio connection; the process-wide concerns (stdout, signals, exit) stay there.
import {
  CodeActionKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type CompletionList,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { NamedInstances, withCancellation, withStatementTimeout } from "../db/index";
import { analyze } from "./analysis";
import { codeActions } from "./code-actions";
import { itemsFor } from "./completion/items";
import { Database } from "./connection/database";
import { parseOptions } from "./connection/options";
import type { Change } from "./connection/changes";
import { registryOfTable } from "./data/registries";
import { RegistryValues } from "./data/registry-values";
import { BOUNDED_STATEMENT_MS, Diagnostics } from "./diagnostics-scheduler";
import { Documents } from "./documents";
import { toResponseError } from "./errors";
import { QueryCells } from "./evaluate/evaluate";
import { parseQueryCellLimits } from "./evaluate/limits";
import { hoverAt } from "./hover";
import { errorMessage, log, withLogSink, type ScopedSink } from "./log";
import type {
  LaminClientNotification,
  LaminClientNotifications,
  LaminInitializationOptions,
  LaminMethod,
  LaminNotifications,
  Params,
  Result,
} from "./protocol";
import { parseParams, parseVisibleRanges } from "./requests/params";
import { registerRequests } from "./requests/register";
import { Tracker } from "./tracking/tracker";
import { pythonParser } from "./python/parser";
import { RecentRuns } from "./recent-runs";

/**
 * The lamin/* requests that only read: a cancelled one stops its statement (db/ cancels it on
 * PostgreSQL; on PGlite no further statement is sent) and answers RequestCancelled. Writes are not
 * cancelled halfway: they finish (or roll back) as one transaction.
 */
const CANCELLABLE: ReadonlySet<LaminMethod> = new Set<LaminMethod>([
  "lamin/search",
  "lamin/records",
  "lamin/runs",
  "lamin/run",
  "lamin/transforms",
  "lamin/transformKeys",
  "lamin/registryCounts",
  "lamin/describe",
  "lamin/toDataFrame",
  "lamin/loadMore",
]);

/** LSP's answer to a request its client cancelled (-32800). */
function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, "The request was cancelled");
}

/** Runs fn with its statements cancelled when the request is; a cancelled request answers -32800. */
async function cancellable<T>(token: CancellationToken, fn: () => Promise<T>): Promise<T> {
  if (token.isCancellationRequested) throw cancelled();
  const abort = new AbortController();
  const listener = token.onCancellationRequested(() => abort.abort());
  try {
    return await withCancellation(abort.signal, fn);
  } catch (e) {
    // whatever the cancelled statement failed with (Cancelled, or a pooled connection's error)
    if (token.isCancellationRequested) {
      log("debug", `request cancelled: ${errorMessage((e as { cause?: unknown })?.cause ?? e)}`);
      throw cancelled();
    }
    throw e;
  } finally {
    listener.dispose();
  }
}

export class LaminServer {
  private readonly docs = new Documents();
  private readonly recent = new RecentRuns();
  private readonly named = new NamedInstances();
  /** Its log lines go to its client until dispose(), then to stderr. */
  private readonly logSink: ScopedSink;
  private options?: LaminInitializationOptions;
  private db?: Database;
  private values?: RegistryValues;
  private tracker?: Tracker;
  private diagnostics?: Diagnostics;
  private cells?: QueryCells;
  /** Refused initializationOptions.queryCells values: told once the client is initialized. */
  private readonly limitProblems: string[] = [];
  private shutdownReceived = false;
  private disposing?: Promise<void>;

  constructor(
    private readonly connection: Connection,
    private readonly hooks: {
      /** The client sent `exit`: the host ends (main.ts: the process, with this code). */
      onExit?: (code: number) => void;
    } = {},
  ) {
    this.logSink = { sink: (level, message) => connection.console[level](message) };
    this.register();
  }

  /** 0 after an orderly shutdown request, else 1 (LSP's exit code rule). */
  get exitCode(): number {
    return this.shutdownReceived ? 0 : 1;
  }

  listen(): void {
    this.docs.listen(this.connection);
    this.connection.listen();
  }

  /** Stops everything the server started (kernels, timers, connections) and closes its connection. */
  dispose(): Promise<void> {
    this.disposing ??= this.scope(async () => {
      await this.stopWork();
      this.logSink.sink = undefined;
      this.connection.dispose();
    });
    return this.disposing;
  }

  private async stopWork(): Promise<void> {
    this.cells?.stopAll();
    this.diagnostics?.dispose();
    await Promise.allSettled([this.db?.close(), this.named.close()]);
  }

  /** Runs fn in this server's scope: its log, its named instances (for Registry.connect()). */
  private scope<T>(fn: () => T): T {
    return withLogSink(this.logSink, () => this.named.runWith(fn));
  }

  private scoped<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args) => this.scope(() => fn(...args));
  }

  private notify<M extends keyof LaminNotifications>(method: M, params: LaminNotifications[M]): void {
    void this.connection.sendNotification(method, params);
  }

  private onChange(change: Change): void {
    const registry = change.table === "*" ? undefined : registryOfTable(change.table);
    if (change.table !== "*" && !registry) return;
    this.values?.invalidate(registry);
    if (change.table === "*") this.tracker?.forgetTransforms();
    else if (registry === "Transform") void this.tracker?.recheckTransforms();
    this.diagnostics?.refreshAll(registry);
    // "*": what changed is unknown (the feed saw no commits for a while), so every tree refreshes
    this.notify("lamin/registryChanged", { registry: registry ?? "*" });
    if (registry === "Run" && this.db)
      void this.recent.announce(change, this.db, (m, p) => this.notify(m, p));
  }

  private initialize(initializationOptions: unknown): InitializeResult {
    const options = parseOptions(initializationOptions);
    this.options = options;
    this.named.set(options.instances ?? {}, { user: options.user });
    const db = new Database(options, {
      onConnection: (connected, error) =>
        this.notify("lamin/connectionChanged", { connected, ...(error ? { error } : {}) }),
      onChange: (change) => this.onChange(change),
    });
    this.db = db;
    const values = new RegistryValues(db);
    this.values = values;
    const limits = parseQueryCellLimits(options.queryCells);
    this.limitProblems.push(...limits.problems);
    this.cells = new QueryCells({ limits: limits.limits, use: (fn) => db.write(fn) });
    this.diagnostics = new Diagnostics(this.connection, this.docs, values, () => db.instance !== undefined);
    this.tracker = new Tracker({
      use: (fn) => db.write(fn),
      sessionId: options.sessionId,
      trusted: options.trusted,
      userHandle: options.user.handle,
      changed: (run, change) => {
        values.invalidate("Run");
        this.recent.mark(run.id);
        this.notify("lamin/runChanged", { run, change });
      },
    });
    void db.start();
    void pythonParser().catch((e) => log("error", `Cannot load the Python grammar: ${errorMessage(e)}`));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        // Python cells of any notebook and the query kernel's JavaScript/TypeScript cells, synced as
        // notebooks (cells in order), so completion reads bindings from earlier cells only
        notebookDocumentSync: {
          notebookSelector: [
            {
              notebook: "*",
              cells: [{ language: "python" }, { language: "javascript" }, { language: "typescript" }],
            },
          ],
        },
        completionProvider: { triggerCharacters: [".", '"', "'", "(", ",", "="], resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: "lamindb-language-server", version: "0.1.0" },
    };
  }

  private register(): void {
    const c = this.connection;
    const docs = this.docs;
    c.onInitialize(this.scoped((params) => this.initialize(params.initializationOptions)));

    c.onCompletion(
      this.scoped(async (p, token): Promise<CompletionList | null> => {
        const doc = docs.get(p.textDocument.uri);
        const values = this.values;
        if (!doc || !docs.languageOf(doc) || !values) return null;
        try {
          return await cancellable(token, async () => {
            const a = await analyze(docs, doc, p.position);
            if (!a) return null;
            const needsData = a.context.kind !== "registries" && a.context.kind !== "fields";
            if (needsData && !this.db?.instance) return { isIncomplete: true, items: [] }; // down: empty, fast
            return await withStatementTimeout(BOUNDED_STATEMENT_MS, () =>
              itemsFor(a.context, a.range, values),
            );
          });
        } catch (e) {
          if (e instanceof ResponseError) throw e; // cancelled
          log("warn", `completion failed: ${errorMessage(e)}`);
          return { isIncomplete: true, items: [] };
        }
      }),
    );

    c.onHover(
      this.scoped(async (p, token) => {
        const doc = docs.get(p.textDocument.uri);
        const values = this.values;
        if (!doc || !docs.languageOf(doc) || !this.db?.instance || !values) return null;
        try {
          return await cancellable(token, () =>
            withStatementTimeout(BOUNDED_STATEMENT_MS, () => hoverAt(docs, doc, p.position, values)),
          );
        } catch (e) {
          if (e instanceof ResponseError) throw e; // cancelled
          log("warn", `hover failed: ${errorMessage(e)}`);
          return null;
        }
      }),
    );

    c.onCodeAction((p) => codeActions(p));

    c.onNotification(
      "lamin/visibleRanges",
      this.scoped((p: unknown) => {
        const v = parseVisibleRanges(p);
        if (v) this.diagnostics?.setVisible(v.uri, v.ranges);
        else log("warn", "lamin/visibleRanges: ignored malformed params");
      }),
    );

    c.onInitialized(this.scoped(() => this.tellLimitProblems(this.limitProblems.splice(0))));
    const queryCellLimits: LaminClientNotification = "lamin/queryCellLimits";
    c.onNotification(
      queryCellLimits,
      this.scoped((p: unknown) => {
        const parsed = parseQueryCellLimits(p);
        this.tellLimitProblems(parsed.problems);
        this.cells?.setLimits(parsed.limits);
      }),
    );

    const windowFocus: LaminClientNotification = "lamin/windowFocus";
    c.onNotification(windowFocus, (p: Partial<LaminClientNotifications[typeof windowFocus]>) => {
      if (typeof p?.focused === "boolean") this.db?.setFocused(p.focused);
    });

    const schedule = (uri: string) => this.diagnostics?.schedule(uri);
    docs.text.onDidOpen(this.scoped((e) => schedule(e.document.uri)));
    docs.text.onDidChangeContent(this.scoped((e) => schedule(e.document.uri)));
    docs.text.onDidClose(this.scoped((e) => this.diagnostics?.clear(e.document.uri)));
    docs.notebooks.onDidOpen(this.scoped((nb) => nb.cells.forEach((cell) => schedule(cell.document))));
    docs.notebooks.onDidChange(
      this.scoped((e) => {
        const nb = docs.notebooks.getNotebookDocument(e.notebookDocument.uri);
        nb?.cells.forEach((cell) => schedule(cell.document));
      }),
    );
    docs.notebooks.onDidClose(
      this.scoped((nb) => {
        nb.cells.forEach((cell) => this.diagnostics?.clear(cell.document));
        this.cells?.restart(nb.uri); // a closed notebook's query kernel ends with it
      }),
    );

    registerRequests({
      on: <M extends LaminMethod>(method: M, handler: (p: Params<M>) => Promise<Result<M>>) =>
        c.onRequest(
          method,
          this.scoped(async (params: unknown, token: CancellationToken) => {
            try {
              const p = parseParams(method, params); // a typed error before anything is read
              return CANCELLABLE.has(method) ? await cancellable(token, () => handler(p)) : await handler(p);
            } catch (e) {
              throw toResponseError(e);
            }
          }),
        ),
      db: () => this.started(this.db),
      tracker: () => this.started(this.tracker),
      options: () => this.started(this.options),
      cells: () => this.started(this.cells),
      afterEvaluate: () => {
        this.values?.invalidate();
        this.diagnostics?.refreshAll();
      },
    });

    c.onShutdown(
      this.scoped(async () => {
        this.shutdownReceived = true;
        await this.stopWork();
      }),
    );
    c.onExit(() => this.hooks.onExit?.(0));
  }

  /** What initialize creates: a request before it is the client's error. */
  private tellLimitProblems(problems: string[]): void {
    for (const problem of problems) {
      log("warn", problem);
      // a notification (the request form would wait for the user to dismiss it)
      void this.connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Warning,
        message: `LaminDB: ${problem}`,
      });
    }
  }

  private started<T>(value: T | undefined): T {
    if (value === undefined)
      throw new ResponseError(-32002 /* ServerNotInitialized */, "The server is not initialized yet");
    return value;
  }
}
