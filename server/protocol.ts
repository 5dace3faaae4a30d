// The lamin/* protocol between the extension and the language server: the one file both import.
// Types only (plus method names), so it bundles into both sides without pulling in either.
import type { DataFrame, Description, JsonObject, JsonValue, RunStatus } from "../db/shapes";

/** LaminDB's branch ids, as RunSummary.branch_id carries them. */
export { MAIN_BRANCH_ID, TRASH_BRANCH_ID } from "../db/schema/branches";

// ---- initialisation ------------------------------------------------------------------------------

/** Sent in `initializationOptions`: never on the command line or in a logged environment. */
export interface LaminInitializationOptions {
  database:
    | { kind: "embedded"; dir: string } // PGlite folder, shared between windows through its holder
    | {
        kind: "postgres";
        name: string;
        /** Includes the password from SecretStorage; may be a transaction-mode pooler's URL. */
        url: string;
        /** A direct URL to the same server (password from SecretStorage): LISTEN runs on it. */
        directUrl?: string;
        /**
         * A streaming replica of the same database (password from SecretStorage): reads go there,
         * except those that must see this window's own recent writes (docs/scaling.md).
         */
        readUrl?: string;
      };
  /** The window's connection budget on a PostgreSQL server (settings lamindb.postgres.*). */
  connections?: ConnectionBudget;
  /** The user runs are created by (created_by). */
  user: { handle: string; name?: string };
  /** Named instances for Registry.connect("name") in query cells: name -> URL. */
  instances?: Record<string, string>;
  /** false in an untrusted workspace: the server then writes nothing. */
  trusted: boolean;
  /** Identifies this VS Code session, so runs left open by a session that died can be aborted. */
  sessionId: string;
  /**
   * Query cells' processes (settings lamindb.queryCells.*): a cell's time limit and a process's heap
   * limit. The server checks them against QUERY_CELL_LIMITS: a refused value is told (window/showMessage)
   * and its default holds. lamin/queryCellLimits changes them later.
   */
  queryCells?: QueryCellLimits;
}

export interface QueryCellLimits {
  /** A cell's time limit: from the cell's start until its result (read when a cell starts). */
  timeoutSeconds?: number;
  /** The heap limit (--max-old-space-size) of a notebook's query process (read when one starts). */
  memoryMb?: number;
}

/** Bounds and defaults of QueryCellLimits; package.json's settings declare the same (a static test checks). */
export const QUERY_CELL_LIMITS = {
  defaults: { timeoutSeconds: 120, memoryMb: 512 },
  timeoutSeconds: { min: 1, max: 86_400, integer: false, unit: "seconds" },
  memoryMb: { min: 64, max: 16_384, integer: true, unit: "MB" },
} as const;

export interface ReplicaStatus {
  /** Reads go to the replica; false while it is unreachable (reads then go to the primary). */
  connected: boolean;
  /** Its URL without credentials. */
  location: string;
  /** WAL the replica has yet to replay: the primary's current LSN minus its replay LSN, in bytes. */
  lagBytes?: number;
  /** Seconds since the last transaction it replayed was committed on the primary; 0 when caught up. */
  lagSeconds?: number;
  /** Why it is unreachable. */
  error?: string;
}

export interface ConnectionBudget {
  /** Pooled connections at most (LISTEN on a direct URL is one more). */
  max: number;
  /** Seconds an idle pooled connection is kept before it is closed. */
  idleSeconds: number;
}

/**
 * Node options the server is started with, by the extension and by every test and benchmark alike.
 * A 2 MB young generation (Node's default is 16 MB per semi-space) keeps the server's resident memory
 * about 30 MB lower; its short-lived garbage (parse trees, rows, JSON) is collected as cheaply.
 */
export const SERVER_NODE_ARGS: readonly string[] = ["--max-semi-space-size=2"];

/**
 * Environment the server is started with, beside SERVER_NODE_ARGS. glibc raises its mmap threshold
 * to the size of each large block freed (up to 32 MB), after which such blocks (V8's compiler zones
 * while PGlite's WebAssembly tiers up, big buffers) come from malloc arenas that keep the freed
 * memory resident: 30 MB of the PGlite holder's RSS (docs/server.md). Fixed at glibc's own default
 * of 128 kB, large blocks stay mmapped and go back to the system when freed. Other C libraries
 * ignore the variable.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: "131072" };

// ---- summaries for trees, status bar and completions --------------------------------------------

export interface TransformSummary {
  id: number;
  uid: string;
  key: string;
  kind: string;
  version: string; // version_tag or the uid suffix
  is_latest: boolean;
  created_at: string;
}

/** A transform key with its versions: the Transforms tree's first level. */
export interface TransformKeySummary {
  key: string;
  kind: string; // the newest version's
  versions: number;
  latest: TransformSummary; // the newest version (created last)
  activity: string; // ISO 8601: the newest of its versions' creation and their runs' starts
}

export interface RunSummary {
  id: number;
  uid: string;
  name: string | null;
  status: RunStatus;
  started_at: string; // ISO 8601
  finished_at: string | null;
  branch_id: number;
  created_by: string; // handle
  transform: TransformSummary;
  /** "lamindb": LaminDB's own run (the notebook calls ln.track()), which the extension adopted. */
  trackedBy?: "lamindb";
}

export interface RecordSummary {
  registry: string;
  id: number;
  uid: string;
  label: string; // name, key or handle
  description: string | null;
  score?: number; // search() score
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

// ---- notebook tracking (extension -> server) ----------------------------------------------------

/** What the extension knows of a notebook when it reports an execution. */
export interface NotebookInfo {
  uri: string;
  /** Path relative to the workspace folder: the Transform key. */
  key: string;
  /**
   * The code cells' source, joined as the Transform's source_code. Sent with the first event that
   * names a source (per server process); later events carry only `sourceHash`, and the server keeps
   * the source by its hash. An event needs one of the two.
   */
  source?: string;
  /**
   * SHA-256 of `source` (its UTF-8 bytes, lowercase hex). With `source`, it must match; without, the
   * server answers `sourceUnknown` when it does not hold that source, and the extension sends the event
   * again with it.
   */
  sourceHash?: string;
  /** The first markdown "# " heading: the Transform's description. */
  title?: string;
  /** The source of the cell tagged "parameters" (papermill); the server reads it into the Run's params. */
  paramsSource?: string;
  /** Params parsed by the extension, as events queued by versions before paramsSource carry them. */
  params?: JsonObject;
  kernel?: { id?: string; name?: string; language?: string; version?: string };
}

export interface CellTiming {
  index: number;
  executionOrder?: number;
  startTime?: number; // epoch ms
  endTime?: number;
}

/** Every tracking event carries an id, so replaying the durable queue twice changes nothing. */
export interface TrackEventBase {
  eventId: string;
  at: number; // epoch ms when the extension saw it
  /**
   * The VS Code session (vscode.env.sessionId) that saw the event: a queue replayed by a later window
   * stays attributed to the session whose run it belongs to. Events queued by an earlier version of the
   * extension have none; the server then takes its own session's.
   */
  sessionId?: string;
}

export type TrackEvent =
  | (TrackEventBase & { type: "cellStarted"; notebook: NotebookInfo; cell: CellTiming })
  | (TrackEventBase & {
      type: "cellFinished";
      notebook: NotebookInfo;
      /**
       * `trackOutput`: the lines of the cell's text output in which LaminDB's `ln.track()` names its run
       * (`→ created Transform(…), started new Run('<uid>') at …`), at most 4096 characters: the server
       * adopts that run for a notebook that calls `ln.track()` (docs/tracking.md).
       */
      cell: CellTiming & { success: boolean; trackOutput?: string };
    })
  /** A cell that ended with timing but no success (a kernel restart or interrupt): recorded, not ended. */
  | (TrackEventBase & {
      type: "cellCancelled";
      notebookUri: string;
      cell: CellTiming;
    })
  | (TrackEventBase & { type: "executionIdle"; notebookUri: string }) // the execution queue drained
  | (TrackEventBase & { type: "kernelRestarted"; notebookUri: string })
  | (TrackEventBase & { type: "notebookClosed"; notebookUri: string });

export interface TrackResult {
  /** The run the event created or changed, if any. */
  run: RunSummary | null;
  /** true when this eventId was already applied (a replay). */
  duplicate: boolean;
}

// ---- the runs explorer's query line ---------------------------------------------------------------

/** A query line read into a lamin/toDataFrame request: `Run.filter(status="errored").to_dataframe()`. */
export interface ParsedQuery {
  registry: string;
  filter: Record<string, JsonValue>;
  include?: string | string[];
  features?: boolean | string[];
  limit?: number | null;
  orderBy?: string;
}

/** A problem in the query, with 0-based UTF-16 offsets into the text (end exclusive). */
export interface QueryError {
  message: string;
  start: number;
  end: number;
}

export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; error: QueryError };

// ---- requests --------------------------------------------------------------------------------------

export interface LaminRequests {
  "lamin/track": { params: TrackEvent; result: TrackResult };
  /** On start: runs this user left "started" in a session that is gone become "aborted". */
  "lamin/recoverRuns": { params: { sessionId: string }; result: { aborted: RunSummary[] } };
  "lamin/status": {
    params: Record<string, never>;
    result: {
      connected: boolean;
      kind: "postgres" | "pglite";
      location: string;
      readOnly: boolean;
      error?: string;
      /** Embedded only: whether this server holds the folder or reaches it through the holder. */
      role?: "holder" | "client";
      /**
       * How caches learn of other processes' writes: LISTEN/NOTIFY, polled counters, or not at all (also
       * while the feed does not see commits: a dropped LISTEN connection). Connected is first said once
       * the feed sees commits.
       */
      notifications?: "listen" | "poll" | "none";
      /**
       * Statements this server sent since it started; `bounded`: those of completion, hover and
       * diagnostics, each under a statement_timeout; `cancelled`: running ones cancelled on PostgreSQL
       * because their request was. For tests that assert the work done.
       */
      statements?: { total: number; bounded: number; cancelled: number };
      /** Polls of the change counter so far (notifications "poll"); a pooled window polls only while focused. */
      polls?: number;
      /** application_name of this window's PostgreSQL connections (pg_stat_activity). */
      applicationName?: string;
      /** With `database.readUrl`: the replica reads go to, and how far it is behind the primary. */
      replica?: ReplicaStatus;
    };
  };
  "lamin/runs": {
    params: {
      offset: number;
      limit: number;
      status?: RunStatus[];
      transformId?: number;
      includeTrash?: boolean;
    };
    result: Page<RunSummary>;
  };
  "lamin/run": { params: { id: number } | { uid: string }; result: RunSummary | null };
  "lamin/activeRun": { params: { notebookUri: string }; result: RunSummary | null };
  "lamin/transforms": {
    params: { offset: number; limit: number; key?: string };
    result: Page<TransformSummary>;
  };
  /** Transform keys, each once, by latest activity; a key's versions come from lamin/transforms { key }. */
  "lamin/transformKeys": {
    params: { offset: number; limit: number };
    result: Page<TransformKeySummary>;
  };
  "lamin/registryCounts": {
    params: Record<string, never>;
    result: Array<{ registry: string; count: number }>;
  };
  "lamin/records": {
    params: { registry: string; offset: number; limit: number; search?: string };
    result: Page<RecordSummary>;
  };
  "lamin/search": {
    params: { registry: string; query: string; field?: string; limit?: number };
    result: RecordSummary[];
  };
  "lamin/describe": {
    params: { registry: string; id?: number; uid?: string; include?: "comments" };
    result: Description;
  };
  "lamin/toDataFrame": {
    params: {
      registry: string;
      filter?: Record<string, JsonValue>;
      include?: string | string[];
      features?: boolean | string[];
      limit?: number | null;
      offset?: number;
      orderBy?: string;
      /** The frame's total: "bounded" (default) stops counting at 10,000 (totalExact: false), "exact" counts all. */
      count?: "bounded" | "exact";
    };
    result: DataFrame;
  };
  /** The renderer's "load more": the token comes from DataFrame.next. */
  "lamin/loadMore": { params: { token: string; offset: number }; result: DataFrame };
  /**
   * Evaluates a JavaScript or TypeScript query cell with `ln` bound, in the notebook's own process
   * (started on its first cell; see docs/server.md); outputs are MIME bundles. A cell that outlives
   * queryCells.timeoutSeconds, runs out of memory or is interrupted fails with error.name Timeout,
   * KernelDied or Interrupted, and the notebook's next cell starts a new process.
   */
  "lamin/evaluate": {
    params: { code: string; language: "javascript" | "typescript"; cellUri?: string; notebookUri?: string };
    result: {
      outputs: Array<{ items: Array<{ mime: string; data: JsonValue }> }>;
      error?: { name: string; message: string; stack?: string };
    };
  };
  /** Stops the notebook's running query cell (it fails with Interrupted); false when none was running. */
  "lamin/interruptCell": { params: { notebookUri: string }; result: { interrupted: boolean } };
  /** Restarts the notebook's query kernel: its process is stopped, the next cell starts a new one. */
  "lamin/restartKernel": { params: { notebookUri: string }; result: { ok: true } };
  /** Reads the runs explorer's query line with the server's Python grammar (no database needed). */
  "lamin/parseQuery": { params: { text: string }; result: ParseResult };
  /**
   * The extension's watchdog (extension/client/watchdog.ts): answered on the server's main loop, without
   * the database, so no answer means a hung loop. `pid` is the server process, for killing it then.
   */
  "lamin/ping": { params: Record<string, never>; result: { pid: number } };
  /** LaminDB's own tracking calls in Python code (tree-sitter): whether it calls ln.track() / ln.finish(). */
  "lamin/laminCalls": { params: { code: string }; result: { track: boolean; finish: boolean } };
  "lamin/delete": { params: { registry: string; id: number; permanent?: boolean }; result: { ok: true } };
  /**
   * Adds the demo registry (server/demo/): cell types and gene symbols from public vocabularies as ULabels,
   * projects, features, transforms with runs, params, features and lineage. Only inserts: existing rows
   * (same name or key) stay as they are, so a second call adds nothing. Refused in an untrusted workspace.
   */
  "lamin/loadDemoData": {
    params: Record<string, never>;
    result: { created: Record<string, number>; existing: Record<string, number> };
  };
  "lamin/restore": { params: { registry: string; id: number }; result: { ok: true } };
}

export type LaminMethod = keyof LaminRequests;
/** A request's params and result, as both sides name them. */
export type Params<M extends LaminMethod> = LaminRequests[M]["params"];
export type Result<M extends LaminMethod> = LaminRequests[M]["result"];

/** JSON-RPC error codes of failed lamin/* requests; `data.name` is the db error's name (FieldError, ...). */
export const LAMIN_ERROR_CODES = {
  /** The database cannot be reached; the server keeps retrying. */
  databaseUnavailable: -32001,
  /** A write in an untrusted workspace. */
  writeRefused: -32002,
  /** DoesNotExist, MultipleResultsFound. */
  notFound: -32003,
  /** InvalidArgument, FieldError, ValidationError, unknown registry. */
  invalidParams: -32602,
  /** Anything else (IntegrityError, NoWriteAccess, ...). */
  requestFailed: -32803,
  /** lamin/track: the event names its notebook's source by `sourceHash` only, and the server does not hold it. */
  sourceUnknown: -32004,
} as const;

export interface LaminErrorData {
  name: string;
}

// ---- notifications (server -> extension) --------------------------------------------------------

export interface LaminNotifications {
  /** A run was created or changed, by this server or (through LISTEN/NOTIFY) by anyone else. */
  "lamin/runChanged": { run: RunSummary; change: "created" | "updated" | "deleted" };
  /**
   * Records of a registry changed: caches and trees refresh. `"*"`: any registry may have changed (the
   * connection or its change feed came back, and what changed meanwhile is unknown).
   */
  "lamin/registryChanged": { registry: string };
  /** The database connection was lost or came back. */
  "lamin/connectionChanged": { connected: boolean; error?: string };
}

export type LaminNotification = keyof LaminNotifications;

// ---- notifications (extension -> server) --------------------------------------------------------

export interface LaminClientNotifications {
  /**
   * The ranges an editor shows of a document (0-based LSP positions), sent as the user scrolls:
   * "did you mean" searches only for unknown values inside them.
   */
  "lamin/visibleRanges": {
    uri: string;
    ranges: Array<{ start: { line: number; character: number }; end: { line: number; character: number } }>;
  };
  /** The window gained or lost focus: a window behind a pooler polls for changes only while focused. */
  "lamin/windowFocus": { focused: boolean };
  /**
   * The settings lamindb.queryCells.* changed: the limits of the next cell (timeout) and of the next
   * query process (memory). Checked as initializationOptions.queryCells are.
   */
  "lamin/queryCellLimits": QueryCellLimits;
}

export type LaminClientNotification = keyof LaminClientNotifications;
