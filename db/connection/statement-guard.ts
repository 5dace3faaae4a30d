// What must hold for every statement of a connection, through a transaction-mode pooler too: a
// read-only instance (an untrusted workspace) and a `statement_timeout` for bounded work (completion,
// hover, diagnostics). A session `SET` would outlive our transaction on a pooler's shared server
// connection (and on the embedded holder's socket, whose connections share PGlite's one session), so both are
// transaction-local: a statement outside a transaction runs in one transaction with them and a
// transaction Knex opens gets them right after its BEGIN. A statement with values (the extended
// protocol: completion's typeahead, save()'s INSERT) takes them in the same round trip, pipelined before
// it up to one Sync, which makes the two one implicit transaction (PipelinedQuery); one without values
// (a script, a raw statement) runs as `BEGIN; SET ...` + the statement + `COMMIT`, three round trips. Statements are counted, so tests assert the
// work a request did rather than its time. A caller's AbortSignal (withCancellation) reaches every
// statement too: an aborted one is cancelled on the server with PostgreSQL's cancel request (which a
// pooler forwards to the backend that runs it), and none is sent after the abort. A cancelled statement
// settles only once the server took the cancel request and the backend left the statement (see send).
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { Cancelled, ConnectionError } from "../errors";

interface Scope {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The statements of withCancellation()'s fn not yet settled (their wrapping BEGIN/COMMIT included). */
  inFlight?: Set<Promise<unknown>>;
}

const scope = new AsyncLocalStorage<Scope>();

/** Statements sent through guarded connections since the process started. */
export interface StatementCounts {
  /** Every statement (the guard's own BEGIN/SET/COMMIT excluded). */
  total: number;
  /** Those sent inside withStatementTimeout(). */
  bounded: number;
  /** Running statements cancelled on the server because their caller was (withCancellation). */
  cancelled: number;
}

const counts: StatementCounts = { total: 0, bounded: 0, cancelled: 0 };

export function statementCounts(): StatementCounts {
  return { ...counts };
}

/** Runs fn with every statement it sends under `statement_timeout` (ms, a positive integer). */
export function withStatementTimeout<T>(timeoutMs: number, fn: () => PromiseLike<T>): Promise<T> {
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError("timeoutMs: a positive integer");
  // awaited inside the scope: a Knex builder (a thenable) sends its statement only when awaited
  return scope.run({ ...scope.getStore(), timeoutMs }, async () => await fn());
}

/**
 * Runs fn with its statements cancelled when `signal` aborts; they then fail with Cancelled. Once
 * aborted, it settles only after every statement fn sent has (fn may run several in parallel, and the
 * first Cancelled rejects a Promise.all while the others are still being cancelled).
 */
export function withCancellation<T>(signal: AbortSignal, fn: () => PromiseLike<T>): Promise<T> {
  const inFlight = new Set<Promise<unknown>>();
  return scope.run({ ...scope.getStore(), signal, inFlight }, async () => {
    try {
      return await fn();
    } finally {
      if (signal.aborted) await Promise.allSettled([...inFlight]);
    }
  });
}

/** Between statements (PGlite's, whose one statement cannot be interrupted): stop once cancelled. */
export function throwIfCancelled(): void {
  if (scope.getStore()?.signal?.aborted) throw new Cancelled("The request was cancelled");
}

/** The parts of a node-postgres Client that cancelling needs (not all in its typings). */
interface PgClient {
  processID?: number | null;
  secretKey?: number | null;
  connectionParameters?: { host?: string; port?: number; ssl?: unknown };
  /** False from sending a statement until the server's ReadyForQuery after it. */
  readyForQuery?: boolean;
  /** Closes the connection; one running a statement is closed at once (its statements then fail). */
  end?(): Promise<void>;
  /** The protocol connection, which emits each message the server sends. */
  connection?: {
    once(event: "readyForQuery" | "end", listener: () => void): void;
    off(event: "readyForQuery" | "end", listener: () => void): void;
  };
}
interface CancelConnection {
  on(event: "connect" | "error" | "end", listener: () => void): void;
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
  end?(): void;
}

/**
 * PostgreSQL's CancelRequest for the statement a client runs, sent on a new socket as node-postgres'
 * Client.cancel() does (with the client's process id and secret key, so a pooler forwards it). Resolves
 * when the server closed that socket: it has then signalled the backend (a pooler: forwarded it).
 */
/** How long a cancel request may take to reach the server before the request answers without it. */
const CANCEL_WAIT_MS = 5_000;

function cancelRunning(client: GuardedConnection): Promise<void> {
  const { processID, secretKey, connectionParameters: p } = client as GuardedConnection & PgClient;
  const port = p?.port;
  if (processID == null || secretKey == null || !port) return Promise.resolve();
  const con = new pg.Connection({ ssl: p.ssl } as pg.ConnectionConfig) as unknown as CancelConnection;
  counts.cancelled++;
  return new Promise((resolve) => {
    // a stalled network must not hold the request: after CANCEL_WAIT_MS it answers anyway (the
    // statement then ends by itself, at the latest at its statement_timeout)
    const stalled = setTimeout(() => {
      con.end?.();
      resolve();
    }, CANCEL_WAIT_MS);
    stalled.unref();
    const done = () => {
      clearTimeout(stalled);
      resolve();
    };
    con.on("error", done); // best effort: the statement then ends by itself
    con.on("end", done);
    con.on("connect", () => con.cancel(processID, secretKey));
    if (p.host?.startsWith("/")) con.connect(`${p.host}/.s.PGSQL.${port}`);
    else con.connect(port, p.host);
  });
}

/**
 * Resolves once the server is ready for the client's next statement. node-postgres reports a statement's
 * error as soon as the ErrorResponse arrives, before the backend has aborted its transaction and gone
 * idle (ReadyForQuery): until then pg_stat_activity still shows the statement running.
 */
function readyForQuery(client: GuardedConnection): Promise<void> {
  const { readyForQuery: ready, connection } = client as GuardedConnection & PgClient;
  if (ready !== false || !connection) return Promise.resolve();
  return new Promise((resolve) => {
    const settle = () => {
      connection.off("readyForQuery", settle);
      connection.off("end", settle);
      resolve();
    };
    connection.once("readyForQuery", settle);
    connection.once("end", settle); // a lost connection: nothing of it runs any more
  });
}

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * Beyond its statement_timeout, how long a bounded statement's answer may take (the network, a pooler's
 * queue). A transaction-mode pooler holds a statement while the server is down until its
 * query_wait_timeout (PgBouncer: 120 s) and statement_timeout only starts on the server, so without
 * this deadline completion, hover and diagnostics would wait that long for an answer. Only behind a
 * pooler: direct, the server's statement_timeout bounds the statement, and PGlite (through its socket)
 * cannot be interrupted anyway.
 */
export const ANSWER_MARGIN_MS = 2_000;

/** The error of a bounded statement that got no answer in time. */
function noAnswer(ms: number): ConnectionError {
  return new ConnectionError(
    `No answer from the database within ${ms} ms: is the server behind the pooler running?`,
    "ETIMEDOUT",
  );
}

/** The part of a `pg` client the guard wraps. */
export interface GuardedConnection {
  query(...args: unknown[]): unknown;
}

/** The parts of node-postgres' protocol connection (pg/lib/connection.js) a pipelined query writes with. */
interface ProtocolConnection {
  parse(message: { text: string; name?: string; types?: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number }): void;
  submittedNamedStatements: Record<string, string>;
}

/** The parts of node-postgres' Query (pg/lib/query.js, not in its typings) PipelinedQuery extends. */
interface QueryInternals {
  name?: string;
  text: string;
  types?: unknown[];
  hasBeenParsed(connection: ProtocolConnection): boolean;
  prepare(connection: ProtocolConnection): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
}
type QueryClass = new (config: object, values: undefined, callback: Callback) => QueryInternals;

/**
 * A statement in the extended protocol with a settings statement (`SELECT set_config(..., true)`, with
 * bound values) pipelined before it in the same Sync: PostgreSQL runs everything up to a Sync in one
 * implicit transaction, so the transaction-local settings hold for the statement and end with it, and
 * each Execute starts its statement_timeout anew from the setting. One round trip instead of
 * BEGIN/SET + statement + COMMIT; an error anywhere aborts the implicit transaction (nothing to roll
 * back). The settings statement's row and CommandComplete are not the caller's result.
 */
class PipelinedQuery extends (pg.Query as unknown as QueryClass) {
  private prologuePending = true;

  constructor(
    config: { text: string; name?: string; values: unknown[] },
    callback: Callback,
    private readonly settings: { text: string; values: string[] },
  ) {
    super({ ...config, queryMode: "extended" }, undefined, callback);
  }

  override prepare(connection: ProtocolConnection): void {
    // A named statement parsed here for the first time is parsed before the settings statement:
    // node-postgres records a name as parsed at the first ParseComplete of the pipeline.
    if (this.name && !this.hasBeenParsed(connection)) {
      connection.parse({ text: this.text, name: this.name, types: this.types });
      connection.submittedNamedStatements[this.name] = this.text;
    }
    connection.parse({ text: this.settings.text, name: "" });
    connection.bind({ portal: "", statement: "", values: this.settings.values });
    connection.execute({ portal: "", rows: 0 });
    super.prepare(connection); // (Parse,) Bind, Describe, Execute, Sync
  }

  override handleDataRow(message: unknown): void {
    if (!this.prologuePending) super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (this.prologuePending) this.prologuePending = false;
    else super.handleCommandComplete(message, connection);
  }
}

const BEGIN = /^\s*(BEGIN|START\s+TRANSACTION)\b/i;
const END = /^\s*(COMMIT|END|ROLLBACK)\b(?!\s+TO\b)/i;

function textOf(config: unknown): string | undefined {
  if (typeof config === "string") return config;
  if (config && typeof config === "object" && typeof (config as { text?: unknown }).text === "string")
    return (config as { text: string }).text;
  return undefined;
}

/**
 * A statement PipelinedQuery can run: one that node-postgres would send in the extended protocol anyway
 * (values, or a name), with no options beyond text, name and values (a `rows` portal, a row mode or
 * custom types keep the plain path).
 */
type PipelinableConfig = { text: string; name?: string; values: unknown[] };

function pipelinableConfig(
  config: unknown,
  text: string,
  values: unknown[] | undefined,
): PipelinableConfig | undefined {
  const object = typeof config === "object" && config !== null ? (config as Record<string, unknown>) : {};
  if (Object.keys(object).some((k) => k !== "text" && k !== "name" && k !== "values")) return undefined;
  const name = typeof object.name === "string" && object.name !== "" ? object.name : undefined;
  const vals = values ?? (Array.isArray(object.values) ? (object.values as unknown[]) : undefined);
  if (!name && !vals?.length) return undefined;
  return { text, ...(name ? { name } : {}), values: vals ?? [] };
}

/** What a connection's guard is told after it was opened (connect() knows a pooler only once it asked). */
export interface GuardOptions {
  /** Behind a transaction-mode pooler: bounded statements get an answer deadline (ANSWER_MARGIN_MS). */
  pooled: boolean;
  /**
   * false: the database is PGlite (behind its holder's socket), which never ends a statement at its
   * statement_timeout (it runs in one thread, with no timer to interrupt it), so bounded statements
   * are sent without the setting: on PGlite it cost a statement planned and run in WebAssembly
   * before each one, for nothing. Unknown (undefined) counts as true.
   */
  timeouts?: boolean;
}

/** Wraps connection.query (callback and promise forms) with the settings above. */
export function guardConnection(
  connection: GuardedConnection,
  readOnly: boolean,
  options: GuardOptions = { pooled: false },
): void {
  const original = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  /**
   * A callback that fails with noAnswer() when a bounded statement has no answer by its deadline: the
   * connection is then closed, which ends the statement wherever it waits and has the pool drop the
   * connection (Knex marks it disposed on its "end", before the statement's callback runs).
   */
  const bounded = (timeoutMs: number | undefined, callback: Callback): Callback => {
    if (!timeoutMs || !options.pooled) return callback;
    const ms = timeoutMs + ANSWER_MARGIN_MS;
    let expired = false;
    let answered = false;
    const answer: Callback = (e, r) => {
      if (answered) return;
      answered = true;
      clearTimeout(deadline);
      clearTimeout(unanswered);
      callback(expired ? noAnswer(ms) : e, r);
    };
    let unanswered: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      expired = true;
      void (connection as GuardedConnection & PgClient).end?.();
      // a connection that never connected ends without failing its statements
      unanswered = setTimeout(() => answer(null), ANSWER_MARGIN_MS);
    }, ms);
    return answer;
  };
  const run = (text: string, timeoutMs?: number): Promise<unknown> =>
    new Promise((resolve, reject) =>
      original(
        text,
        bounded(timeoutMs, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))),
      ),
    );
  // the same settings as one statement with values, for PipelinedQuery
  const settingsStatement = (timeoutMs: number | undefined): { text: string; values: string[] } => {
    const calls: string[] = [];
    const values: string[] = [];
    if (readOnly) calls.push("set_config('transaction_read_only', 'on', true)");
    if (timeoutMs) calls.push(`set_config('statement_timeout', $${values.push(String(timeoutMs))}, true)`);
    return { text: `SELECT ${calls.join(", ")}`, values };
  };
  const settings = (timeoutMs: number | undefined): string =>
    [
      readOnly ? "SET TRANSACTION READ ONLY" : "",
      timeoutMs ? `SET LOCAL statement_timeout = ${timeoutMs}` : "",
    ]
      .filter(Boolean)
      .join("; ");
  let inTransaction = false;

  connection.query = (...args: unknown[]): unknown => {
    const [config] = args;
    const text = textOf(config);
    // a Submittable (a cursor, a stream): passed on as it is (Knex streams are not used by the server)
    if (text === undefined) return original(...args);
    const store = scope.getStore();
    // the hot path (save()'s INSERT, typeahead): nothing to add, nothing to cancel, so the driver's own
    // call, as it is; only counted
    if (!store && (inTransaction || !readOnly) && !BEGIN.test(text) && !END.test(text)) {
      counts.total++;
      return original(...args);
    }
    const callback = args.find((a, i) => i > 0 && typeof a === "function") as Callback | undefined;
    const values = args.length > 1 && Array.isArray(args[1]) ? args[1] : undefined;
    const { signal: scoped, inFlight } = store ?? {};
    const timeoutMs = options.timeouts === false ? undefined : store?.timeoutMs;
    // a transaction's end is always sent: cancelling it would leave the connection inside it
    // `pipelined`: the statement with the settings statement before it, in one round trip
    const send = (cancellable = true, pipelined?: PipelinableConfig): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const signal = cancellable ? scoped : undefined;
        if (signal?.aborted) return reject(new Cancelled("The request was cancelled"));
        let running = true; // a cancel request after the statement ended could hit the connection's next one
        let cancelling: Promise<void> | undefined;
        const onAbort = () => {
          if (running) cancelling = cancelRunning(connection);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const settle = (e: Error | null, r: unknown) => {
          if (e && signal?.aborted) reject(new Cancelled("The request was cancelled", { cause: e }));
          else if (e) reject(e);
          else resolve(r);
        };
        const done = (e: Error | null, r: unknown) => {
          running = false;
          signal?.removeEventListener("abort", onAbort);
          if (!cancelling) return settle(e, r);
          // Not before the server took the cancel request (sent late, it could hit the connection's next
          // statement) and, when the statement failed, not before the backend left it (readyForQuery):
          // a cancelled request then leaves nothing running.
          const left = e ? readyForQuery(connection) : undefined;
          void Promise.all([cancelling, left]).then(() => settle(e, r));
        };
        const answer = bounded(timeoutMs, done);
        if (pipelined) original(new PipelinedQuery(pipelined, answer, settingsStatement(timeoutMs)));
        else if (values) original(config, values, answer);
        else original(config, answer);
      });
    let result: Promise<unknown>;
    if (BEGIN.test(text)) {
      inTransaction = true;
      const extra = settings(timeoutMs);
      result = send().then((r) => (extra ? run(extra, timeoutMs).then(() => r) : r));
    } else if (END.test(text)) {
      inTransaction = false;
      result = send(false);
    } else {
      counts.total++;
      if (store?.timeoutMs) counts.bounded++;
      const extra = settings(timeoutMs);
      const pipelinable = pipelinableConfig(config, text, values);
      if (inTransaction || !extra || scoped?.aborted) result = send();
      else if (pipelinable) result = send(true, pipelinable);
      else
        result = run(`BEGIN; ${extra}`, timeoutMs).then(() =>
          send().then(
            (r) => run("COMMIT", timeoutMs).then(() => r),
            (e: unknown) =>
              run("ROLLBACK").then(
                () => Promise.reject(e),
                () => Promise.reject(e),
              ),
          ),
        );
    }
    if (inFlight) {
      const sent = result;
      inFlight.add(sent);
      const forget = () => inFlight.delete(sent);
      sent.then(forget, forget);
    }
    if (!callback) return result;
    result.then(
      (r) => callback(null, r),
      (e: Error) => callback(e),
    );
    return undefined;
  };
}
