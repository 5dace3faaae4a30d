// Two servers (two VS Code windows) on one embedded folder: the first holds it and serves it over
// its socket, the second connects through it; nothing is lost; when the holder dies the other
// takes over.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspClient, registryChanged } from "./lsp-client";
import { evaluateOk } from "./fixtures";

const RUNS_PER_WINDOW = 1000;
const RUNS_PER_EVALUATION = 125;

// The waits below wait for states; the suite's timeout only ends a run that fails by never reaching one.
describe("two servers on one embedded folder", { timeout: 15 * 60_000 }, () => {
  let dir: string;
  let first: LspClient;
  let second: LspClient;
  const options = (sessionId: string): LaminInitializationOptions => ({
    database: { kind: "embedded", dir },
    user: { handle: "tester" },
    trusted: true,
    sessionId,
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lamin-shared-"));
    first = await LspClient.start(options("w1"));
    await first.ready();
    second = await LspClient.start(options("w2"));
    await second.ready();
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the first holds the folder, the second connects through it", async () => {
    assert.equal((await first.request("lamin/status", {})).role, "holder");
    assert.equal((await second.request("lamin/status", {})).role, "client");
  });

  test(`2 windows x ${RUNS_PER_WINDOW} runs leave ${2 * RUNS_PER_WINDOW} rows`, async () => {
    await evaluateOk(first, 'await new ln.Transform({ key: "shared.ipynb", kind: "notebook" }).save()');
    // Each window inserts in several evaluations (8 saves in flight at a time), so that on a loaded
    // machine no single one comes near lamin/evaluate's own 120 s limit; the two windows' evaluations
    // run concurrently, so their transactions interleave on the holder's socket.
    const insert = async (window: string) => {
      const client = window === "w1" ? first : second;
      for (let from = 0; from < RUNS_PER_WINDOW; from += RUNS_PER_EVALUATION)
        await evaluateOk(
          client,
          `const t = await ln.Transform.get({ key: "shared.ipynb" });
           const pending = [];
           for (let i = ${from}; i < ${Math.min(from + RUNS_PER_EVALUATION, RUNS_PER_WINDOW)}; i++) {
             pending.push(new ln.Run(t, { name: "${window}-" + i, status: "started" }).save());
             if (pending.length === 8) await Promise.all(pending.splice(0));
           }
           await Promise.all(pending);`,
        );
    };
    await Promise.all([insert("w1"), insert("w2")]);
    const count = await evaluateOk(second, "await ln.Run.filter({}).count()");
    assert.equal(count.outputs[0].items[0].data, 2 * RUNS_PER_WINDOW);
  });

  test("a record written through one window completes in the other: the change feed, not a cache expiry", async () => {
    const uri = "file:///w/shared.py";
    first.openText(uri, 'ln.ULabel.get(name="Shared")');
    const labels = async () => (await first.completion(uri, { line: 0, character: 26 })).map((i) => i.label);
    // the first window caches the prefix's answer BEFORE the other window writes: only a change
    // notification (the polled counters of the folder) can make it see the new label in time
    assert.ok(!(await labels()).includes("SharedLabel"), "not there yet");
    assert.ok(!(await labels()).includes("SharedLabel"), "the cached answer");
    const seen = first.notifications.length;
    await evaluateOk(second, 'await new ln.ULabel({ name: "SharedLabel" }).save()');
    // The feed (the folder's polled counters) sees the other window's commit and the server drops its
    // cached ULabel values before it sends registryChanged. Without the feed no notification comes (a
    // cache entry on a folder with a feed never expires by itself): the test's own timeout ends that run.
    await registryChanged(first, seen, "ULabel", Infinity);
    // requests are answered in order: the completion asked after the notification is fresh, at once
    assert.ok((await labels()).includes("SharedLabel"), "the first window completes the other's write");
  });

  test("when the holder exits, the other server takes over", async () => {
    const seen = second.notifications.length;
    await first.kill("SIGKILL");
    // the client notices the holder's pid is gone (connectionChanged false), reopens the folder and,
    // the lock being stale, takes it over (connectionChanged true)
    const changes = () =>
      second.notifications
        .slice(seen)
        .filter((n) => n.method === "lamin/connectionChanged")
        .map((n) => (n.params as { connected: boolean }).connected);
    await second.waitFor(() => {
      const c = changes();
      const lost = c.indexOf(false);
      return lost >= 0 && c.indexOf(true, lost) > lost ? true : undefined;
    }, Infinity);
    const s = await second.request("lamin/status", {});
    assert.deepEqual([s.connected, s.role], [true, "holder"], JSON.stringify(s));
    const count = await evaluateOk(second, "await ln.Run.filter({}).count()");
    assert.equal(count.outputs[0].items[0].data, 2 * RUNS_PER_WINDOW);
  });
});
