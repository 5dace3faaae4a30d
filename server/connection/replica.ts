// A streaming replica for reads (lamindb.postgres.readUrl): opened beside the primary, marked down on
// a connection error (reads then go to the primary) and probed every second until it answers again.
// It also decides whether a read may go there at all: after this window wrote, or learned of another
// process's write, reads stay on the primary until the replica has replayed past that write's LSN.
import { ConnectionError, connect, mapDbError, redactUrl, type Instance } from "../../db/index";
import type { ReplicaStatus } from "../protocol";
import { errorMessage, log } from "../log";

/** How long a change notification waits for the replica before it is delivered anyway. */
export const MAX_REPLAY_WAIT_MS = 30_000;
const PROBE_MS = 1000;

/** "16/B374D848" -> a number to compare and subtract (WAL positions stay far below 2^53). */
export function lsnValue(lsn: string): number {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!m) throw new Error(`not an LSN: ${lsn}`);
  return parseInt(m[1], 16) * 2 ** 32 + parseInt(m[2], 16);
}

/**
 * The primary's WAL insert position: the end of every transaction committed so far, ours included
 * (pg_current_wal_lsn() is only what was written out, which trails a commit made with
 * synchronous_commit = off).
 */
export async function primaryLsn(primary: Instance): Promise<string> {
  const r = await primary.knex.raw("SELECT pg_current_wal_insert_lsn()::text AS lsn");
  return String(r.rows[0].lsn);
}

export interface ReplicaOptions {
  url: string;
  user: { handle: string; name?: string };
  applicationName: string;
  maxConnections?: number;
  idleTimeoutMs?: number;
}

export class Replica {
  private instance?: Instance;
  private up = false;
  private error?: string;
  private timer?: NodeJS.Timeout;
  private opening?: Promise<void>;
  private closed = false;
  /** Writes of this window whose LSN is not known yet: reads go to the primary meanwhile. */
  private writing = 0;
  /** The highest LSN (value) reads must see that the replica may not have replayed yet. */
  private mustSee = 0;
  /** The replica's replay LSN when it was last asked. */
  private replayed = 0;

  constructor(private readonly options: ReplicaOptions) {}

  get location(): string {
    return redactUrl(this.options.url);
  }

  /** Opens the replica (after the primary, whose migrations it must have replayed); retries on failure. */
  start(): Promise<void> {
    this.opening ??= this.tryOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async tryOpen(): Promise<void> {
    if (this.closed || this.instance) return;
    try {
      const instance = await connect({
        url: this.options.url,
        user: this.options.user,
        readOnly: true, // a hot standby takes no writes; nor does connect() try any there
        setDefault: false,
        applicationName: this.options.applicationName,
        ...(this.options.maxConnections ? { maxConnections: this.options.maxConnections } : {}),
        ...(this.options.idleTimeoutMs ? { idleTimeoutMs: this.options.idleTimeoutMs } : {}),
      });
      if (this.closed) return void (await instance.close());
      this.instance = instance;
      this.markUp();
    } catch (e) {
      this.markDown(e);
    }
  }

  /** The instance reads may use now, if any (up, and caught up with what this window must see). */
  async forRead(): Promise<Instance | undefined> {
    const instance = this.instance;
    if (!this.up || !instance || this.writing > 0) return undefined;
    if (this.mustSee <= this.replayed) return instance;
    const target = this.mustSee;
    try {
      const lsn = await this.replayLsn(instance);
      return lsn >= target ? instance : undefined;
    } catch (e) {
      this.failed(e);
      return undefined;
    }
  }

  private async replayLsn(instance: Instance): Promise<number> {
    const r = await instance.knex.raw("SELECT pg_last_wal_replay_lsn()::text AS lsn");
    const text = r.rows[0].lsn;
    // null on a server that is not a standby: everything it has is "replayed"
    const value = typeof text === "string" ? lsnValue(text) : Number.MAX_SAFE_INTEGER;
    this.replayed = Math.max(this.replayed, value);
    return value;
  }

  /** A write of this window starts: reads go to the primary until the replica has it. */
  beginWrite(): void {
    this.writing++;
  }

  /** The write ended (committed or not): its LSN is what reads must see from now on. */
  async endWrite(primary: Instance | undefined): Promise<void> {
    try {
      if (primary) this.mustReach(await primaryLsn(primary));
    } catch {
      // the primary is gone: nothing was committed that a read could miss
    } finally {
      this.writing--;
    }
  }

  private mustReach(lsn: string): void {
    this.mustSee = Math.max(this.mustSee, lsnValue(lsn));
  }

  /**
   * Another process wrote (a notification or a poll on the primary): `deliver` runs once the replica
   * has replayed the primary's current position, so the caches it invalidates are refilled with the
   * write; at once when the replica is down, and after MAX_REPLAY_WAIT_MS at the latest (reads then
   * go to the primary until the replica catches up).
   */
  async afterReplay(primary: Instance, deliver: () => void): Promise<void> {
    let target: number;
    let text: string;
    try {
      text = await primaryLsn(primary);
      target = lsnValue(text);
    } catch {
      return deliver();
    }
    const started = Date.now();
    let wait = 20;
    for (;;) {
      const instance = this.instance;
      if (this.closed) return; // the server is stopping: nobody is left to tell
      if (!this.up || !instance) return deliver();
      if (this.replayed >= target) return deliver();
      if (Date.now() - started > MAX_REPLAY_WAIT_MS) {
        this.mustReach(text);
        return deliver();
      }
      try {
        if ((await this.replayLsn(instance)) >= target) return deliver();
      } catch (e) {
        this.failed(e);
        return deliver();
      }
      // the replica is behind: ask again soon, less often the longer it lags (at most once a second)
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      wait = Math.min(wait * 2, PROBE_MS);
    }
  }

  /** A read on the replica failed: a connection error marks it down (reads go to the primary). */
  failed(e: unknown): boolean {
    if (!(mapDbError(e) instanceof ConnectionError)) return false;
    this.markDown(e);
    return true;
  }

  private markUp(): void {
    if (this.up) return;
    this.up = true;
    this.error = undefined;
    log("info", `Reads go to the replica ${this.location}`);
  }

  private markDown(e: unknown): void {
    const was = this.up || this.error === undefined;
    this.up = false;
    this.error = errorMessage(e);
    if (was)
      log("warn", `The replica ${this.location} is unreachable (${this.error}): reads go to the primary`);
    this.probe();
  }

  // Every second: reopen (never opened) or a cheap statement on the pool (which reconnects by itself).
  private probe(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const instance = this.instance;
      if (this.closed || this.up) return;
      if (!instance) return void this.start();
      this.replayLsn(instance).then(
        () => this.markUp(),
        (e: unknown) => this.markDown(e),
      );
    }, PROBE_MS);
    this.timer.unref();
  }

  /** For lamin/status: reachable or not, and how far behind the primary. */
  async status(primary: Instance | undefined): Promise<ReplicaStatus> {
    const base = { connected: this.up, location: this.location };
    const instance = this.instance;
    if (!this.up || !instance) return { ...base, ...(this.error ? { error: this.error } : {}) };
    try {
      const [p, r] = await Promise.all([
        primary ? primaryLsn(primary) : undefined,
        instance.knex.raw(
          "SELECT pg_last_wal_replay_lsn()::text AS lsn, extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds",
        ),
      ]);
      const row = r.rows[0] as { lsn: string | null; seconds: number | null };
      if (!p || row.lsn === null) return base;
      const lagBytes = Math.max(0, lsnValue(p) - lsnValue(row.lsn));
      this.replayed = Math.max(this.replayed, lsnValue(row.lsn));
      const lagSeconds = lagBytes === 0 ? 0 : Math.max(0, Number(row.seconds ?? 0));
      return { ...base, lagBytes, lagSeconds };
    } catch (e) {
      this.failed(e);
      return { connected: false, location: this.location, error: errorMessage(e) };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const instance = this.instance;
    this.instance = undefined;
    this.up = false;
    await instance?.close().catch(() => {});
  }
}
