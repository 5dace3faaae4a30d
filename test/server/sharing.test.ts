// Two servers (two VS Code windows) on one embedded folder: the first holds it and serves it over
// pglite-socket, the second connects through it; nothing is lost; when the holder dies the other
// takes over.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspClient } from "./lsp-client";
import { evaluateOk } from "./fixtures";

const RUNS_PER_WINDOW = 3000;

describe("two servers on one embedded folder", () => {
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
    await first.ready(120_000);
    second = await LspClient.start(options("w2"));
    await second.ready(60_000);
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
    const insert = (window: string) =>
      evaluateOk(
        window === "w1" ? first : second,
        `const t = await ln.Transform.get({ key: "shared.ipynb" });
         const pending = [];
         for (let i = 0; i < ${RUNS_PER_WINDOW}; i++) {
           pending.push(new ln.Run(t, { name: "${window}-" + i, status: "started" }).save());
           if (pending.length === 8) await Promise.all(pending.splice(0));
         }
         await Promise.all(pending);`,
      );
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
    await evaluateOk(second, 'await new ln.ULabel({ name: "SharedLabel" }).save()');
    // the feed polls every 250 ms; a cache entry on a folder with a feed never expires by itself, so
    // without the feed this never turns true. The bound only ends a failing run.
    const until = Date.now() + 20_000;
    while (!(await labels()).includes("SharedLabel")) {
      assert.ok(Date.now() < until, "the first window never saw the other's write");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  test("when the holder exits, the other server takes over", async () => {
    await first.kill("SIGKILL");
    const until = Date.now() + 60_000;
    for (;;) {
      const s = await second.request("lamin/status", {});
      if (s.connected && s.role === "holder") break;
      assert.ok(Date.now() < until, `no takeover: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const count = await evaluateOk(second, "await ln.Run.filter({}).count()");
    assert.equal(count.outputs[0].items[0].data, 2 * RUNS_PER_WINDOW);
  });
});
