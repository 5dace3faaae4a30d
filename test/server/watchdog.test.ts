// lamin/ping against the built server, and the extension's watchdog logic driving real server processes
// over stdio: a server that stops answering (SIGSTOP: its main loop no longer runs, as with a cell's
// `while (true) {}`) is killed by the pid it answered with, and its replacement answers again.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ServerWatchdog } from "../../extension/client/watchdog";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspClient } from "./lsp-client";

// a database that cannot be reached: the ping must not need it
const OPTIONS: LaminInitializationOptions = {
  database: { kind: "postgres", name: "nowhere", url: "postgresql://someone:secret@127.0.0.1:1/nowhere" },
  user: { handle: "tester" },
  trusted: true,
  sessionId: `s-watchdog-${process.pid}`,
};

const started: LspClient[] = [];
after(async () => {
  for (const c of started) {
    if (c.child.signalCode === null && c.child.exitCode === null) c.child.kill("SIGCONT");
    await c.stop();
  }
});

async function startServer(): Promise<LspClient> {
  const c = await LspClient.start(OPTIONS);
  started.push(c);
  return c;
}

test("lamin/ping answers with the server's pid while its database is unreachable", async () => {
  const c = await startServer();
  const lost = await c.notification("lamin/connectionChanged", (p) => !p.connected, 60_000);
  assert.match(lost.error ?? "", /ECONNREFUSED|connect/i);
  const pong = await c.request("lamin/ping", {});
  assert.deepEqual(pong, { pid: c.child.pid });
  assert.equal((await c.request("lamin/status", {})).connected, false);
});

test("the watchdog kills a server that stopped answering, by the pid it answered, and a new one answers", async () => {
  let current = await startServer();
  let done = false; // from then on a server that exits is not replaced (after() stops the last one)
  const warnings: string[] = [];
  const pongs: number[] = [];
  const onExit = (c: LspClient) =>
    c.child.once("exit", () => {
      if (c !== current || done) return;
      // what the language client does with a closed server under its restart limit
      watchdog.clientRestarted("its process ended");
      void startServer().then((next) => {
        current = next;
        onExit(next);
      });
    });
  onExit(current);
  const watchdog = new ServerWatchdog(
    {
      ping: async () => {
        const r = await current.request("lamin/ping", {});
        pongs.push(r.pid);
        return r;
      },
      running: () => current.child.exitCode === null && current.child.signalCode === null,
      kill: (pid) => process.kill(pid, "SIGKILL"),
      restart: async () => false,
      warn: (reason) => warnings.push(reason),
      log: () => undefined,
    },
    // a stopped process never answers; a running one answers in milliseconds, 20 s is far off
    { intervalMs: 200, timeoutMs: 20_000 },
  );
  try {
    const first = current;
    await first.waitFor(() => (pongs.includes(first.child.pid!) ? true : undefined), 60_000);
    first.child.kill("SIGSTOP");
    await first.waitFor(() => first.child.signalCode ?? undefined, 120_000);
    assert.equal(first.child.signalCode, "SIGKILL", "the watchdog killed the stopped server");
    assert.equal(watchdog.hangs, 1);
    // the replacement answers the watchdog's pings
    await first.waitFor(
      () => (current !== first && pongs.includes(current.child.pid!) ? true : undefined),
      60_000,
    );
    assert.notEqual(current.child.pid, first.child.pid);
    assert.equal(watchdog.restarts, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /did not answer for 20 s/);
  } finally {
    done = true;
    watchdog.dispose();
  }
});
