// The server's one database handle: opens it from the initialization options, reports status,
// reconnects after an outage (or takes over an embedded folder whose holder exited) and feeds
// change notifications to the caches.
import { hostname } from "node:os";
import {
  ConnectionError,
  connect,
  mapDbError,
  redactUrl,
  type Instance,
} from "../../db/index";
import type { LaminInitializationOptions } from "../protocol";
import { errorMessage, log } from "../log";
import { listenPostgres, pollCounters, type Change, type ChangeFeed } from "./changes";
import { ensureFolder, holderAlive, openEmbedded } from "./embedded";

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
  error?: string;
}

export interface DatabaseEvents {
  onConnection(connected: boolean, error?: string): void;
  onChange(change: Change): void;
}

export class Database {
  private open?: Open;
  private opening?: Promise<void>;
  private feed?: ChangeFeed;
  private monitor?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private lastError?: string;
  private closed = false;
  private reportedDown = false;

  constructor(
    private readonly options: LaminInitializationOptions,
    private readonly events: DatabaseEvents,
  ) {}

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

  status(): DatabaseStatus {
    const managedByLamin = this.instance?.info.schema.managedBy === "lamindb";
    return {
      connected: this.instance !== undefined && !this.reportedDown,
      kind: this.kind,
      location: this.location,
      role: this.open?.role,
      notifications:
        !this.instance || managedByLamin || this.instance.info.pooled
          ? "none"
          : this.kind === "postgres"
            ? "listen"
            : "poll",
      ...(this.lastError ? { error: this.lastError } : {}),
    };
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
        const instance = await connect({
          url: d.url,
          user: this.options.user,
          readOnly: !this.options.trusted,
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
      this.startFeed();
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

  private startFeed(): void {
    this.feed?.close();
    const instance = this.instance!;
    if (instance.info.schema.managedBy === "lamindb") return; // no triggers there: TTL only
    if (instance.info.pooled) return; // LISTEN cannot pass a transaction-mode pooler: TTL only
    const d = this.options.database;
    this.feed =
      d.kind === "postgres"
        ? listenPostgres(d.url, (c) => this.events.onChange(c))
        : pollCounters(instance, (c) => this.events.onChange(c));
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
    this.feed?.close();
    this.feed = undefined;
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = undefined;
    this.lastError = errorMessage(e);
    log("warn", `Lost the database connection: ${this.lastError}; reconnecting`);
    this.events.onConnection(false, this.lastError);
    await open.close().catch(() => {});
    await this.start();
  }

  /** Runs fn with the open instance; a connection failure marks the database down and reconnects. */
  async use<T>(fn: (instance: Instance) => Promise<T>): Promise<T> {
    const instance = this.instance;
    if (!instance) {
      throw new ConnectionError(
        `The database ${this.location} is not connected${this.lastError ? `: ${this.lastError}` : ""}. The server keeps retrying.`,
        "NOT_CONNECTED",
      );
    }
    try {
      const result = await fn(instance);
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
    this.feed?.close();
    if (this.monitor) clearInterval(this.monitor);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const open = this.open;
    this.open = undefined;
    await open?.close().catch(() => {});
  }
}
