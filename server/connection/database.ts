// The server's one database handle: opens it from the initialization options, reports status,
// reconnects after an outage (or takes over an embedded folder whose holder exited) and feeds
// change notifications to the caches.
import { hostname } from "node:os";
import { ConnectionError, Instance, connect, mapDbError, redactUrl } from "../../db/index";
import type { LaminInitializationOptions, ReplicaStatus } from "../protocol";
import { errorMessage, log } from "../log";
import { listenPostgres, pollCounters, type Change, type ChangeFeed, type PollFeed } from "./changes";
import { ensureFolder, holderAlive, openEmbedded } from "./embedded";
import { Replica } from "./replica";

interface Open {
  instance: Instance;
  role?: "holder" | "client";
  holderPid?: number;
  close(): Promise<void>;
}

export interface DatabaseStatus {
  connected: boolean;
  kind: "postgres" | "pglite";
  location: string;
  role?: "holder" | "client";
  notifications: "listen" | "poll" | "none";
  polls?: number;
  applicationName?: string;
  error?: string;
}

/** A pooled window polls the change counter at most this often (and only while focused). */
export const POOLED_POLL_MS = 1000;
/** An embedded folder's clients poll more often: the folder is local and the query costs nothing. */
export const EMBEDDED_POLL_MS = 250;

/** The window's connections as pg_stat_activity names them: one name per language server. */
export function applicationNameOf(sessionId: string): string {
  return `lamin-vscode ${sessionId.replace(/[^\w.:-]/g, "_")}`.slice(0, 63);
}

export interface DatabaseEvents {
  onConnection(connected: boolean, error?: string): void;
  onChange(change: Change): void;
}

export class Database {
  private open?: Open;
  private opening?: Promise<void>;
  private feed?: ChangeFeed;
  private poll?: PollFeed;
  private polls = 0;
  private focused = true;
  private monitor?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private lastError?: string;
  private closed = false;
  private reportedDown = false;
  /** With database.readUrl: where reads go (replica.ts). */
  private readonly replica?: Replica;

  constructor(
    private readonly options: LaminInitializationOptions,
    private readonly events: DatabaseEvents,
  ) {
    const d = options.database;
    if (d.kind === "postgres" && d.readUrl) {
      const budget = options.connections;
      this.replica = new Replica({
        url: d.readUrl,
        user: options.user,
        applicationName: this.applicationName,
        ...(budget ? { maxConnections: budget.max, idleTimeoutMs: budget.idleSeconds * 1000 } : {}),
      });
    }
  }

  get kind(): "postgres" | "pglite" {
    return this.options.database.kind === "postgres" ? "postgres" : "pglite";
  }

  get location(): string {
    const d = this.options.database;
    return d.kind === "postgres" ? redactUrl(d.url) : d.dir;
  }

  get instance(): Instance | undefined {
    return this.open && !this.open.instance.isClosed ? this.open.instance : undefined;
  }

  get applicationName(): string {
    return applicationNameOf(this.options.sessionId);
  }

  status(): DatabaseStatus {
    const notifications = !this.instance || !this.feed?.live ? "none" : this.poll ? "poll" : "listen";
    return {
      connected: this.instance !== undefined && !this.reportedDown,
      kind: this.kind,
      location: this.location,
      role: this.open?.role,
      notifications,
      ...(notifications === "poll" ? { polls: this.polls } : {}),
      ...(this.kind === "postgres" ? { applicationName: this.applicationName } : {}),
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** The window gained or lost focus: a pooled window polls only while focused, and at once on focus. */
  setFocused(focused: boolean): void {
    const was = this.focused;
    this.focused = focused;
    if (focused && !was) this.poll?.now();
  }

  /** Opens the database; on failure keeps retrying in the background. Resolves either way. */
  start(): Promise<void> {
    this.opening ??= this.tryOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async tryOpen(): Promise<void> {
    if (this.closed) return;
    try {
      const d = this.options.database;
      if (d.kind === "postgres") {
        const budget = this.options.connections;
        const instance = await connect({
          url: d.url,
          user: this.options.user,
          readOnly: !this.options.trusted,
          applicationName: this.applicationName,
          setDefault: false, // this server's own: use() scopes it (two servers can share a process)
          ...(budget ? { maxConnections: budget.max, idleTimeoutMs: budget.idleSeconds * 1000 } : {}),
        });
        this.open = { instance, close: () => instance.close() };
      } else {
        ensureFolder(d.dir, this.options.trusted);
        const e = await openEmbedded(d.dir, this.options.user, !this.options.trusted);
        this.open = { instance: e.instance, role: e.role, holderPid: e.holderPid, close: e.close };
      }
      if (this.closed) {
        await this.open.close();
        return;
      }
      this.lastError = undefined;
      void this.replica?.start(); // after the primary: its migrations must be there to replay
      const opened = this.open;
      // connected is said once the feed sees commits: a write made after that reaches the caches
      await this.startFeed()?.ready;
      if (this.closed) return;
      if (this.open !== opened) {
        this.scheduleRetry(); // lost while the feed started: lost()'s own start() found this one running
        return;
      }
      this.startMonitor();
      log("info", `Connected to ${this.location}${this.open.role ? ` (${this.open.role})` : ""}`);
      this.events.onConnection(true);
      this.events.onChange({ table: "*" });
    } catch (e) {
      this.lastError = errorMessage(e);
      log("error", `Cannot open the database ${this.location}: ${this.lastError}`);
      this.events.onConnection(false, this.lastError);
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, 2000);
    this.retryTimer.unref();
  }

  // LISTEN where a direct connection is possible (the URL itself, or directUrl beside a pooled one);
  // otherwise a poll of the change counter: through a pooler at most once a second and only while the
  // window is focused (50 windows must not keep a server busy), on an embedded folder every 250 ms.
  private startFeed(): ChangeFeed | undefined {
    this.closeFeed();
    const instance = this.instance!;
    if (instance.info.schema.managedBy === "lamindb") return undefined; // no triggers there: TTL only
    const d = this.options.database;
    // with a replica, caches are invalidated once it has the write, so they refill with it
    const replica = this.replica;
    const onChange = replica
      ? (c: Change) => void replica.afterReplay(instance, () => this.events.onChange(c))
      : (c: Change) => this.events.onChange(c);
    if (d.kind === "postgres" && (d.directUrl || !instance.info.pooled)) {
      this.feed = listenPostgres(d.directUrl ?? d.url, onChange, this.applicationName);
      return this.feed;
    }
    const pooled = d.kind === "postgres";
    this.poll = pollCounters(instance, onChange, {
      everyMs: pooled ? POOLED_POLL_MS : EMBEDDED_POLL_MS,
      active: pooled ? () => this.focused : undefined,
      onPoll: () => this.polls++,
    });
    this.feed = this.poll;
    return this.feed;
  }

  private closeFeed(): void {
    this.feed?.close();
    this.feed = undefined;
    this.poll = undefined;
  }

  // An embedded client watches its holder: when that process is gone, reopen (and maybe take over).
  private startMonitor(): void {
    if (this.monitor) clearInterval(this.monitor);
    const open = this.open;
    if (!open || open.role !== "client" || open.holderPid === undefined) return;
    const pid = open.holderPid;
    this.monitor = setInterval(() => {
      if (!holderAlive({ pid, hostname: hostname() }))
        void this.lost(new Error(`the holder process ${pid} exited`));
    }, 250);
    this.monitor.unref();
  }

  /** Called by users of the instance when a statement failed for want of a connection. */
  async lost(e: unknown): Promise<void> {
    if (!this.open || this.closed) return;
    const open = this.open;
    this.open = undefined;
    this.closeFeed();
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = undefined;
    this.lastError = errorMessage(e);
    log("warn", `Lost the database connection: ${this.lastError}; reconnecting`);
    this.events.onConnection(false, this.lastError);
    await open.close().catch(() => {});
    await this.start();
  }

  /**
   * Runs a read: on the replica when there is one, it is reachable and it has replayed what this
   * window must see (its own writes, others' it was told of); otherwise on the primary, as use().
   * Registry calls inside fn use the replica's instance (Instance.runWith). A connection error on the
   * replica marks it down and the read runs on the primary instead.
   */
  async read<T>(fn: (instance: Instance) => Promise<T>): Promise<T> {
    const replica = this.replica && this.instance ? await this.replica.forRead() : undefined;
    if (replica) {
      try {
        return await Instance.runWith(replica, () => fn(replica));
      } catch (e) {
        if (!this.replica!.failed(e)) throw e;
      }
    }
    return this.use(fn);
  }

  /**
   * Runs a write (tracking, a save, a delete) on the primary; with a replica, reads go to the
   * primary from its start until the replica has replayed past the primary's position after it.
   * The answer does not wait for that position (one more statement on the primary): reads stay on
   * the primary until endWrite() has it, so the window still sees its own write.
   */
  async write<T>(fn: (instance: Instance) => Promise<T>): Promise<T> {
    const replica = this.replica;
    if (!replica) return this.use(fn);
    replica.beginWrite();
    try {
      return await this.use(fn);
    } finally {
      void replica.endWrite(this.instance); // never rejects: it catches the primary's failure itself
    }
  }

  /** The replica's state and lag for lamin/status (none without database.readUrl). */
  async replicaStatus(): Promise<ReplicaStatus | undefined> {
    return this.replica?.status(this.instance);
  }

  /**
   * Runs fn with the open instance, which is Instance.current for all fn does; a connection failure
   * marks the database down and reconnects.
   */
  async use<T>(fn: (instance: Instance) => Promise<T>): Promise<T> {
    const instance = this.instance;
    if (!instance) {
      throw new ConnectionError(
        `The database ${this.location} is not connected${this.lastError ? `: ${this.lastError}` : ""}. The server keeps retrying.`,
        "NOT_CONNECTED",
      );
    }
    try {
      const result = await Instance.runWith(instance, () => fn(instance));
      this.back();
      return result;
    } catch (e) {
      // db/ tells connection failures apart (ConnectionError); a raw driver error is classified the same way
      const mapped = mapDbError(e);
      if (mapped instanceof ConnectionError) {
        // an embedded database is lost when its holder refuses or drops the connection (or its process
        // exits: the monitor); waiting too long for the holder's one connection only says it is busy
        if (this.kind === "pglite") {
          if (mapped.code !== "ETIMEDOUT") void this.lost(e);
        } else if (!this.reportedDown) {
          // the pool reconnects by itself on the next statement; say so once, and probe for its return
          this.reportedDown = true;
          this.lastError = errorMessage(e);
          this.events.onConnection(false, this.lastError);
          this.probe(instance);
        }
      }
      throw e;
    }
  }

  /** A statement went through after an outage: say the database is back (once). */
  private back(): void {
    if (!this.reportedDown) return;
    this.reportedDown = false;
    this.lastError = undefined;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    log("info", `The database ${this.location} is reachable again`);
    this.events.onConnection(true);
    this.events.onChange({ table: "*" });
  }

  // While a PostgreSQL server is down nobody may ask anything of it: a cheap statement every second
  // finds out when it is back, so the extension replays its queue at once rather than at its backoff.
  private probe(instance: Instance): void {
    if (this.probeTimer || this.closed) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (!this.reportedDown || this.closed || instance.isClosed) return;
      instance.knex.raw("SELECT 1").then(
        () => this.back(),
        () => this.probe(instance),
      );
    }, 1000);
    this.probeTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closeFeed();
    await this.replica?.close();
    if (this.monitor) clearInterval(this.monitor);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const open = this.open;
    this.open = undefined;
    await open?.close().catch(() => {});
  }
}
