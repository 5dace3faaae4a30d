// The watchdog's rules on node:test's mock clock (setTimeout and Date): a hang is "no answer within
// the timeout" of virtual time, so the tests hold however slow the machine is. The host below is a
// server the test controls: it answers pings, hangs (its ping never settles) or dies when told, and
// its client restarts it by vscode-languageclient's default rule (5 closes in 3 minutes: give up).
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { ServerWatchdog, type WatchdogHost, type WatchdogOptions } from "../../../extension/client/watchdog";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"] }));
afterEach(() => mock.timers.reset());

/** Lets promise callbacks run (setImmediate is not on the mock clock). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Moves the virtual clock on in 100 ms steps, letting promises settle between them. */
async function advance(ms: number): Promise<void> {
  await settle();
  for (let t = 0; t < ms; t += 100) {
    mock.timers.tick(Math.min(100, ms - t));
    await settle();
  }
}

const OPTIONS: WatchdogOptions = {
  intervalMs: 1_000,
  timeoutMs: 5_000,
  minBackoffMs: 2_000,
  maxBackoffMs: 16_000,
  stableMs: 180_000,
};

/** A server process and its language client, as the extension sees them. */
class Server implements WatchdogHost {
  pid = 100;
  alive = true;
  hung = false;
  /** The client process restarting: a new process after `startMs`. */
  startMs = 0;
  failStarts = 0;
  stoppedOnPurpose = false;
  pings = 0;
  readonly killed: number[] = [];
  readonly warnings: string[] = [];
  readonly starts: string[] = [];
  /** The client's closes (vscode-languageclient's DefaultErrorHandler: restart 4 times in 3 minutes). */
  private closes: number[] = [];
  watchdog!: ServerWatchdog;

  ping(): Promise<{ pid: number }> {
    this.pings++;
    if (!this.alive) return Promise.reject(new Error("not running"));
    if (this.hung) return new Promise(() => undefined); // a busy main loop never answers
    return Promise.resolve({ pid: this.pid });
  }
  running(): boolean {
    return this.alive;
  }
  kill(pid: number): void {
    this.killed.push(pid);
    if (pid === this.pid) this.die();
  }
  async restart(): Promise<boolean | undefined> {
    if (this.stoppedOnPurpose) return undefined;
    this.starts.push(`watchdog at ${Date.now()}`);
    if (this.failStarts > 0) {
      this.failStarts--;
      return false;
    }
    this.closes = []; // a new LanguageClient: a new error handler
    this.spawn();
    return true;
  }
  warn(reason: string): void {
    this.warnings.push(reason);
  }
  log(): void {}

  /** The process ends (SIGKILL, a crash): the client restarts it, or gives up. */
  die(): void {
    this.alive = false;
    this.hung = false;
    this.closes.push(Date.now());
    if (this.closes.length > 4 && this.closes.at(-1)! - this.closes[0] <= 180_000) {
      this.watchdog.clientGaveUp("gave up");
      return;
    }
    if (this.closes.length > 4) this.closes.shift();
    this.watchdog.clientRestarted("crashed");
    this.starts.push(`client at ${Date.now()}`);
    this.spawn();
  }

  private spawn(): void {
    this.pid++;
    this.alive = true;
    this.hung = false;
  }
}

function watched(options: WatchdogOptions = OPTIONS) {
  const server = new Server();
  server.watchdog = new ServerWatchdog(server, options);
  return { server, watchdog: server.watchdog };
}

describe("ServerWatchdog", () => {
  it("pings a server that answers on every interval and leaves it alone", async () => {
    const { server, watchdog } = watched();
    await advance(10_000);
    assert.equal(server.pings, 10);
    assert.deepEqual(server.killed, []);
    assert.deepEqual(server.warnings, []);
    assert.equal(watchdog.restarts, 0);
    watchdog.dispose();
  });

  it("does not ping a server that is not running", async () => {
    const { server, watchdog } = watched();
    server.alive = false;
    await advance(10_000);
    assert.equal(server.pings, 0);
    server.alive = true;
    await advance(1_000);
    assert.equal(server.pings, 1);
    watchdog.dispose();
  });

  it("a ping without an answer within the timeout is a hang: kills that process (by the pid it answered) and warns", async () => {
    const { server, watchdog } = watched();
    await advance(1_000); // one answer: the watchdog knows the pid
    const hungPid = server.pid;
    server.hung = true;
    await advance(1_000); // the next ping goes out and is not answered
    await advance(4_900);
    assert.deepEqual(server.killed, [], "not before the timeout");
    assert.equal(watchdog.hangs, 0);
    await advance(100);
    assert.deepEqual(server.killed, [hungPid]);
    assert.equal(watchdog.hangs, 1);
    assert.equal(watchdog.restarts, 1, "the client restarted the killed process");
    assert.equal(server.warnings.length, 1);
    assert.match(server.warnings[0], /did not answer for 5 s/);
    // the new process answers again: no further kill
    await advance(10_000);
    assert.deepEqual(server.killed, [hungPid]);
    assert.ok(server.alive && !server.hung);
    watchdog.dispose();
  });

  it("a server hung before its first answer (no pid) is restarted through the client", async () => {
    const { server, watchdog } = watched();
    server.hung = true;
    await advance(6_000);
    assert.equal(watchdog.hangs, 1);
    assert.deepEqual(server.killed, []);
    await advance(100);
    assert.equal(server.starts.length, 1);
    assert.match(server.starts[0], /^watchdog/);
    assert.equal(watchdog.restarts, 1);
    assert.equal(server.hung, false);
    watchdog.dispose();
  });

  it("7 deaths in a row: the client restarts 4, the watchdog takes over the 5th after its backoff, one warning in all", async () => {
    const { server, watchdog } = watched();
    for (let i = 0; i < 4; i++) {
      server.die();
      await advance(1_000);
      assert.ok(server.alive, `restarted by the client after death ${i + 1}`);
    }
    assert.equal(watchdog.restarts, 4);
    server.die(); // the 5th in 3 minutes: the client gives up
    assert.equal(server.alive, false);
    assert.equal(watchdog.recovering, true);
    await advance(1_900);
    assert.equal(server.alive, false, "not before the backoff");
    await advance(100);
    assert.ok(server.alive, "the watchdog restarted it");
    assert.equal(watchdog.recovering, false);
    assert.equal(watchdog.restarts, 5);
    // the new client has a fresh restart budget
    for (let i = 0; i < 2; i++) {
      server.die();
      await advance(1_000);
      assert.ok(server.alive);
    }
    assert.equal(watchdog.restarts, 7);
    assert.deepEqual(
      server.starts.map((s) => s.split(" ")[0]),
      ["client", "client", "client", "client", "watchdog", "client", "client"],
    );
    assert.equal(server.warnings.length, 1, server.warnings.join("; "));
    assert.equal(watchdog.warningsShown, 1);
    // and it answers pings again
    const before = server.pings;
    await advance(3_000);
    assert.ok(server.pings > before);
    assert.equal(watchdog.hangs, 0);
    watchdog.dispose();
  });

  it("a take-over restart that fails is tried again, each time twice as late (up to the maximum)", async () => {
    const { server, watchdog } = watched();
    server.failStarts = 4;
    for (let i = 0; i < 5; i++) server.die(); // the client gives up
    const t0 = Date.now();
    await advance(2_000 + 4_000 + 8_000 + 16_000 + 16_000);
    const waits = server.starts
      .filter((s) => s.startsWith("watchdog"))
      .map((s) => Number(s.split(" at ")[1]) - t0);
    assert.deepEqual(waits, [2_000, 6_000, 14_000, 30_000, 46_000]);
    assert.ok(server.alive);
    assert.equal(watchdog.restarts, 4 + 1);
    assert.equal(server.warnings.length, 1);
    watchdog.dispose();
  });

  it("the backoff starts again from its minimum after the server lived long enough", async () => {
    const { server, watchdog } = watched();
    for (let i = 0; i < 5; i++) server.die();
    await advance(2_000);
    assert.ok(server.alive);
    for (let i = 0; i < 5; i++) server.die(); // at once again: 4 s
    await advance(3_900);
    assert.equal(server.alive, false);
    await advance(100);
    assert.ok(server.alive);
    await advance(180_000); // stable for the client's restart window
    for (let i = 0; i < 5; i++) server.die();
    await advance(2_000);
    assert.ok(server.alive, "2 s again, not 8 s");
    watchdog.dispose();
  });

  it("a server stopped on purpose while the take-over waits stays stopped, and is not counted", async () => {
    const { server, watchdog } = watched();
    for (let i = 0; i < 5; i++) server.die();
    server.stoppedOnPurpose = true;
    await advance(20_000);
    assert.equal(server.alive, false);
    assert.equal(watchdog.recovering, false);
    assert.equal(watchdog.restarts, 4);
    assert.deepEqual(
      server.starts.filter((s) => s.startsWith("watchdog")),
      [],
    );
    watchdog.dispose();
  });

  it("after dispose() nothing pings or restarts", async () => {
    const { server, watchdog } = watched();
    for (let i = 0; i < 5; i++) server.die();
    watchdog.dispose();
    const pings = server.pings;
    await advance(20_000);
    assert.equal(server.pings, pings);
    assert.equal(server.alive, false);
  });
});
