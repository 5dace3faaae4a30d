// Keeps the language server alive: pings it on a timer and kills it when it stops answering (a hung
// main loop cannot stop itself), and takes over restarting once the language client gives up (after
// five crashes in three minutes it would leave completion and tracking dead for the rest of the window).
// Plain Node (no vscode), so its rules run under node:test's mock clock. See docs/extension.md.

export interface WatchdogHost {
  /** The server's answer to lamin/ping; a promise that never settles is a hang. */
  ping(): Promise<{ pid: number }>;
  /** Whether a server should answer now (the client runs and nothing is restarting it). */
  running(): boolean;
  /** Ends a hung server (SIGKILL): the client then sees it close. */
  kill(pid: number): void;
  /**
   * Starts a new client and server process; resolves false when it did not start, undefined when no
   * server is wanted any more (stopped on purpose meanwhile).
   */
  restart(): Promise<boolean | undefined>;
  /** Tells the user, once per window: what happened and what to do. */
  warn(reason: string): void;
  log(message: string): void;
}

export interface WatchdogOptions {
  intervalMs?: number;
  /** No answer to a ping within this is a hang. */
  timeoutMs?: number;
  /** The first take-over restart waits this long; each failed or quickly repeated one twice as long. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A server that lived this long resets the backoff. */
  stableMs?: number;
}

export const WATCHDOG_DEFAULTS: Required<WatchdogOptions> = {
  intervalMs: 10_000,
  // generous: an embedded holder runs PGlite in its event loop, and a long statement (creating LaminDB's
  // schema, a large toDataFrame, another window's load of demo data) held it 40-50 s at load 26 and
  // longer at 30; killing the holder then would lose that work and start it again
  timeoutMs: 120_000,
  minBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  stableMs: 180_000, // the client's own restart window
};

export class ServerWatchdog {
  /** Restarts of the server after a crash or a hang, by the client or by the watchdog. */
  restarts = 0;
  /** Hangs detected (pings without an answer in time). */
  hangs = 0;
  /** Warnings shown to the user: at most one per window. */
  warningsShown = 0;
  private readonly o: Required<WatchdogOptions>;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private pinging = false;
  private pid: number | undefined;
  private backoff: number;
  private lastRestartAt = -Infinity;
  private disposed = false;

  constructor(
    private readonly host: WatchdogHost,
    options: WatchdogOptions = {},
  ) {
    this.o = { ...WATCHDOG_DEFAULTS, ...options };
    this.backoff = this.o.minBackoffMs;
    this.schedulePing();
  }

  /** Whether the watchdog is about to restart the server itself, or doing so (the client gave up). */
  get recovering(): boolean {
    return this.restartTimer !== undefined;
  }

  /** The client restarts a server that closed (a crash, or a kill after a hang). */
  clientRestarted(reason: string): void {
    if (this.disposed) return;
    this.restarts++;
    this.pid = undefined;
    this.notify(`the LaminDB server stopped (${reason}); restarting it`);
  }

  /** The client will not restart the server that closed: the watchdog does, after a backoff. */
  clientGaveUp(reason: string): void {
    if (this.disposed || this.restartTimer) return;
    this.pid = undefined;
    this.notify(`the LaminDB server stopped (${reason}); restarting it`);
    if (Date.now() - this.lastRestartAt >= this.o.stableMs) this.backoff = this.o.minBackoffMs;
    this.scheduleRestart();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.pingTimer);
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private scheduleRestart(wait = this.backoff): void {
    if (this.restartTimer) return;
    this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs);
    this.host.log(`watchdog: restarting the server in ${wait} ms`);
    this.restartTimer = setTimeout(() => void this.restartNow(), wait);
  }

  private async restartNow(): Promise<void> {
    let ok: boolean | undefined = false;
    try {
      ok = await this.host.restart();
    } catch (e) {
      this.host.log(`watchdog: restart failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.restartTimer = undefined;
    }
    if (this.disposed) return;
    if (ok === undefined) return;
    this.lastRestartAt = Date.now();
    if (ok) {
      this.restarts++;
      this.host.log(`watchdog: the server runs again (restart ${this.restarts})`);
    } else {
      this.host.log("watchdog: the server did not start; trying again");
      this.scheduleRestart();
    }
  }

  private schedulePing(): void {
    if (this.disposed) return;
    this.pingTimer = setTimeout(() => void this.pingOnce(), this.o.intervalMs);
  }

  private async pingOnce(): Promise<void> {
    this.pingTimer = undefined;
    if (this.pinging || !this.host.running()) return this.schedulePing();
    this.pinging = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<"hung">(
      (resolve) => (timer = setTimeout(() => resolve("hung"), this.o.timeoutMs)),
    );
    const answer = this.host.ping().then(
      (r) => r,
      () => "failed" as const, // a closed connection: the client's close handling restarts it
    );
    const r = await Promise.race([answer, hung]);
    clearTimeout(timer);
    this.pinging = false;
    if (this.disposed) return;
    if (r === "hung") {
      // only a server that is still meant to run is hung; one that closed meanwhile is the client's
      if (this.host.running()) {
        this.hangs++;
        this.notify(
          `the LaminDB server did not answer for ${Math.round(this.o.timeoutMs / 1000)} s; restarting it`,
        );
        // its pid comes from an earlier answer; without one, stop and start the client instead
        if (this.pid !== undefined) this.host.kill(this.pid);
        else this.scheduleRestart(0);
        this.pid = undefined;
      }
    } else if (r !== "failed") {
      this.pid = r.pid;
    }
    this.schedulePing();
  }

  private notify(reason: string): void {
    this.host.log(`watchdog: ${reason}`);
    if (this.warningsShown > 0) return;
    this.warningsShown++;
    this.host.warn(reason);
  }
}
