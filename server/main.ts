// The language server: `node dist/server.js --stdio`. The one process that opens the database.
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  TextDocumentSyncKind,
  type CompletionList,
  type InitializeResult,
} from "vscode-languageserver/node";
import { analyze } from "./analysis";
import { codeActions } from "./code-actions";
import { itemsFor } from "./completion/items";
import { Database } from "./connection/database";
import { parseOptions } from "./connection/options";
import type { Change } from "./connection/changes";
import { registryOfTable } from "./data/registries";
import { RegistryValues } from "./data/registry-values";
import { BOUNDED_STATEMENT_MS, Diagnostics } from "./diagnostics-scheduler";
import { withStatementTimeout } from "../db/index";
import { Documents } from "./documents";
import { toResponseError } from "./errors";
import { DEFAULT_CELL_MEMORY_MB, DEFAULT_CELL_TIMEOUT_S, QueryCells } from "./evaluate/evaluate";
import { closeNamedInstances, useNamedInstances } from "./evaluate/instances";
import { hoverAt } from "./hover";
import { errorMessage, log, logTo } from "./log";
import type {
  LaminClientNotification,
  LaminClientNotifications,
  LaminInitializationOptions,
  LaminNotifications,
  LaminRequests,
} from "./protocol";
import { parseParams, parseVisibleRanges } from "./requests/params";
import { registerRequests } from "./requests/register";
import { Tracker } from "./tracking/tracker";
import { pythonParser } from "./python/parser";
import { RecentRuns } from "./recent-runs";
import { keepConsoleOffStdout, StdoutMessageWriter } from "./stdio";

keepConsoleOffStdout();
// Whatever escapes a handler (a promise nobody awaited, a throwing callback) is logged; the server
// keeps serving completion and tracking instead of exiting.
process.on("unhandledRejection", (e) => log("error", `Unhandled rejection: ${errorMessage(e)}`));
process.on("uncaughtException", (e) => log("error", `Uncaught exception: ${errorMessage(e)}`));
const connection = createConnection(
  ProposedFeatures.all,
  new StreamMessageReader(process.stdin),
  new StdoutMessageWriter(),
);
logTo((level, message) => connection.console[level](message));
const docs = new Documents();
let options: LaminInitializationOptions;
let db: Database;
let values: RegistryValues;
let tracker: Tracker;
let diagnostics: Diagnostics;
let cells: QueryCells;
const recent = new RecentRuns();

function notify<M extends keyof LaminNotifications>(method: M, params: LaminNotifications[M]): void {
  void connection.sendNotification(method, params);
}

function onChange(change: Change): void {
  const registry = change.table === "*" ? undefined : registryOfTable(change.table);
  if (change.table !== "*" && !registry) return;
  values.invalidate(registry);
  if (registry === "Transform" || change.table === "*") tracker.forgetTransforms();
  diagnostics.refreshAll();
  if (registry) notify("lamin/registryChanged", { registry });
  if (registry === "Run") void recent.announce(change, db, notify);
}

connection.onInitialize((params): InitializeResult => {
  options = parseOptions(params.initializationOptions);
  useNamedInstances(options);
  db = new Database(options, {
    onConnection: (connected, error) =>
      notify("lamin/connectionChanged", { connected, ...(error ? { error } : {}) }),
    onChange,
  });
  values = new RegistryValues(db);
  cells = new QueryCells({
    timeoutSeconds: options.queryCells?.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_S,
    memoryMb: options.queryCells?.memoryMb ?? DEFAULT_CELL_MEMORY_MB,
    use: (fn) => db.write(fn),
  });
  diagnostics = new Diagnostics(connection, docs, values, () => db.instance !== undefined);
  tracker = new Tracker({
    use: (fn) => db.write(fn),
    sessionId: options.sessionId,
    trusted: options.trusted,
    userHandle: options.user.handle,
    changed: (run, change) => {
      values.invalidate("Run");
      recent.mark(run.id);
      notify("lamin/runChanged", { run, change });
    },
  });
  void db.start();
  void pythonParser().catch((e) => log("error", `Cannot load the Python grammar: ${errorMessage(e)}`));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      // Python cells of any notebook and the query kernel's JavaScript/TypeScript cells, synced as notebooks
      // (cells in order), so completion reads bindings from earlier cells only
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
});

connection.onCompletion(async (p): Promise<CompletionList | null> => {
  const doc = docs.get(p.textDocument.uri);
  if (!doc || !docs.languageOf(doc)) return null;
  try {
    const a = await analyze(docs, doc, p.position);
    if (!a) return null;
    const needsData = a.context.kind !== "registries" && a.context.kind !== "fields";
    if (needsData && !db.instance) return { isIncomplete: true, items: [] }; // down: empty, fast
    return await withStatementTimeout(BOUNDED_STATEMENT_MS, () => itemsFor(a.context, a.range, values));
  } catch (e) {
    log("warn", `completion failed: ${errorMessage(e)}`);
    return { isIncomplete: true, items: [] };
  }
});

connection.onHover(async (p) => {
  const doc = docs.get(p.textDocument.uri);
  if (!doc || !docs.languageOf(doc) || !db.instance) return null;
  try {
    return await withStatementTimeout(BOUNDED_STATEMENT_MS, () => hoverAt(docs, doc, p.position, values));
  } catch (e) {
    log("warn", `hover failed: ${errorMessage(e)}`);
    return null;
  }
});

connection.onCodeAction((p) => codeActions(p));

connection.onNotification("lamin/visibleRanges", (p: unknown) => {
  const v = parseVisibleRanges(p);
  if (v) diagnostics.setVisible(v.uri, v.ranges);
  else log("warn", "lamin/visibleRanges: ignored malformed params");
});

const windowFocus: LaminClientNotification = "lamin/windowFocus";
connection.onNotification(windowFocus, (p: Partial<LaminClientNotifications[typeof windowFocus]>) => {
  if (typeof p?.focused === "boolean") db?.setFocused(p.focused);
});

docs.text.onDidOpen((e) => diagnostics.schedule(e.document.uri));
docs.text.onDidChangeContent((e) => diagnostics.schedule(e.document.uri));
docs.text.onDidClose((e) => diagnostics.clear(e.document.uri));
docs.notebooks.onDidOpen((nb) => nb.cells.forEach((c) => diagnostics.schedule(c.document)));
docs.notebooks.onDidChange((e) => {
  const nb = docs.notebooks.getNotebookDocument(e.notebookDocument.uri);
  nb?.cells.forEach((c) => diagnostics.schedule(c.document));
});
docs.notebooks.onDidClose((nb) => {
  nb.cells.forEach((c) => diagnostics.clear(c.document));
  cells?.restart(nb.uri); // a closed notebook's query kernel ends with it
});

registerRequests({
  on: <M extends keyof LaminRequests>(
    method: M,
    handler: (p: LaminRequests[M]["params"]) => Promise<LaminRequests[M]["result"]>,
  ) =>
    connection.onRequest(method, async (params: unknown) => {
      try {
        return await handler(parseParams(method, params)); // a typed error before anything is read
      } catch (e) {
        throw toResponseError(e);
      }
    }),
  db: () => db,
  tracker: () => tracker,
  options: () => options,
  cells: () => cells,
  afterEvaluate: () => {
    values.invalidate();
    diagnostics.refreshAll();
  },
});

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  cells?.stopAll();
  await Promise.allSettled([db?.close(), closeNamedInstances()]);
  logTo(undefined);
  process.exit(code);
}
let shutdownReceived = false;
connection.onShutdown(async () => {
  shutdownReceived = true;
  cells?.stopAll();
  await Promise.all([db?.close(), closeNamedInstances()]);
});
// The client went away (its end of stdin closed): as vscode-languageserver does for --stdio.
process.stdin.on("end", () => void stop(shutdownReceived ? 0 : 1));
process.stdin.on("close", () => void stop(shutdownReceived ? 0 : 1));
connection.onExit(() => void stop(0));
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));

docs.listen(connection);
connection.listen();
