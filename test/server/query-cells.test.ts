// Query cells run in a process of their own per notebook (server/evaluate/kernel/): the hostile cells
// of hostile-cells.ts, performed against the real server, neither read its credentials nor stop,
// hang or crash it; after each one the server still completes a value, and the next cell runs. In
// each configuration: the cells' database calls go through the server, and its database must survive them.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import { readSecret } from "../../server/connection/socket-server";
import { at } from "./lsp-client";
import { evaluateOk, KINDS, startServer, type ServerFixture } from "./fixtures";
import {
  ENDLESS_LOOP,
  ESCAPE,
  MARK_PROCESS,
  MEMORY_BOMB,
  READ_MARK,
  THROWING_TIMER,
  UNAWAITED_FAILURE,
  UNHANDLED_REJECTION,
} from "./hostile-cells";

// in the server's environment, where the old vm context handed it to any cell
const ENV_SECRET = `env-secret-${process.pid}`;
process.env.LAMIN_CELL_TEST_SECRET = ENV_SECRET;

let n = 0;
/** The server answers a completion that needs its database: it is alive and serving. */
async function stillCompletes(f: ServerFixture): Promise<void> {
  const { text, position } = at('import lamindb as ln\nln.ULabel.get(name="Surviv|")');
  const uri = `file:///work/alive${n++}.py`;
  f.client.openText(uri, text);
  const items = await f.client.completion(uri, position);
  assert.ok(
    items.some((i) => i.label === "Survivor"),
    `completion after the attack: ${JSON.stringify(items)}`,
  );
}

/** All text a cell produced: its outputs and its error. */
function allText(r: { outputs: Array<{ items: Array<{ data: unknown }> }>; error?: unknown }): string {
  return JSON.stringify(r);
}

for (const kind of KINDS) {
  describe(`query cells in their own process [${kind}]`, () => {
    let f: ServerFixture;
    let other: { url: string; drop: () => Promise<void> };
    before(async () => {
      other = await createPostgresDatabase();
      // a password in the connected instance's URL (the test server trusts local connections: unused)
      const u = new URL(other.url);
      u.password = `instance-pw-${process.pid}`;
      other.url = kind === "pgbouncer" ? throughPgbouncer(u.toString()) : u.toString();
      f = await startServer(kind, {
        instances: { "acme/other": other.url },
        queryCells: { timeoutSeconds: 3, memoryMb: 64 },
      });
      await evaluateOk(f.client, 'await new ln.ULabel({ name: "Survivor" }).save()');
    });
    after(async () => {
      await f?.close();
      await other?.drop();
    });

    test("a cell that reaches its process finds no credentials, no server and no shell", async () => {
      const r = await evaluateOk(f.client, ESCAPE);
      const text = allText(r);
      const secrets = [ENV_SECRET, other.url, `instance-pw-${process.pid}`];
      if (f.url) {
        secrets.push(f.url);
        const serverPassword = new URL(f.url).password;
        if (serverPassword) secrets.push(`:${serverPassword}@`);
      }
      // PGlite: the password of the socket the server serves its folder on
      const socketSecret = f.dir && readSecret(f.dir);
      if (f.dir) assert.ok(socketSecret, "the server serves its folder behind a password");
      if (socketSecret) secrets.push(socketSecret);
      for (const secret of secrets) assert.ok(!text.includes(secret), `the cell read ${secret}`);
      assert.match(text, /pid: \d+/);
      assert.doesNotMatch(text, new RegExp(`pid: ${f.client.child.pid}\\b`), "the cell runs in the server");
      assert.match(text, /shell failed/);
      await stillCompletes(f);
    });

    test("an un-awaited failing call, an unhandled rejection and a throwing timer leave the server up", async () => {
      const next = await evaluateOk(f.client, UNAWAITED_FAILURE);
      assert.equal(next.outputs.at(-1)?.items[0].data, "next");
      await stillCompletes(f);
      const after = await evaluateOk(f.client, UNHANDLED_REJECTION);
      assert.equal(after.outputs.at(-1)?.items[0].data, "after");
      await stillCompletes(f);
      const queued = await evaluateOk(f.client, THROWING_TIMER);
      assert.equal(queued.outputs.at(-1)?.items[0].data, "queued");
      await stillCompletes(f);
      assert.equal((await evaluateOk(f.client, "1 + 1")).outputs[0].items[0].data, 2);
    });

    test("an endless loop after an await fails its cell at the timeout; the next cell runs", async () => {
      const r = await f.client.request("lamin/evaluate", { code: ENDLESS_LOOP, language: "javascript" });
      assert.equal(r.error?.name, "Timeout", JSON.stringify(r.error));
      assert.match(r.error?.message ?? "", /within 3 s/);
      await stillCompletes(f);
      const again = await evaluateOk(
        f.client,
        'await ln.ULabel.get({ name: "Survivor" }).then((l) => l.name)',
      );
      assert.equal(again.outputs[0].items[0].data, "Survivor");
    });

    test("a memory bomb fails its cell only", async () => {
      const r = await f.client.request("lamin/evaluate", { code: MEMORY_BOMB, language: "javascript" });
      assert.equal(r.error?.name, "KernelDied", JSON.stringify(r.error));
      assert.match(r.error?.message ?? "", /memory/);
      await stillCompletes(f);
      assert.equal((await evaluateOk(f.client, '"alive"')).outputs[0].items[0].data, "alive");
    });

    test("restartKernel gives the notebook a new process; other notebooks keep theirs", async () => {
      const a = "file:///work/a.ipynb";
      const b = "file:///work/b.ipynb";
      const run = (notebookUri: string, code: string) =>
        f.client.request("lamin/evaluate", { code, language: "javascript", notebookUri });
      await run(a, MARK_PROCESS);
      await run(b, MARK_PROCESS);
      assert.equal((await run(a, READ_MARK)).outputs[0].items[0].data, "marked");
      assert.deepEqual(await f.client.request("lamin/restartKernel", { notebookUri: a }), { ok: true });
      assert.equal((await run(a, READ_MARK)).outputs[0].items[0].data, "undefined");
      assert.equal((await run(b, READ_MARK)).outputs[0].items[0].data, "marked");
    });

    test("interrupt stops a running cell; the notebook's next cell runs", async () => {
      const nb = "file:///work/interrupt.ipynb";
      const running = f.client.request("lamin/evaluate", {
        code: "await null;\nwhile (true) {}",
        language: "javascript",
        notebookUri: nb,
      });
      // wait for the state "running": until then an interrupt finds nothing to stop and changes nothing
      let interrupted = false;
      while (!interrupted)
        interrupted = (await f.client.request("lamin/interruptCell", { notebookUri: nb })).interrupted;
      const r = await running;
      assert.equal(r.error?.name, "Interrupted");
      const next = await f.client.request("lamin/evaluate", {
        code: "40 + 2",
        language: "javascript",
        notebookUri: nb,
      });
      assert.equal(next.outputs[0].items[0].data, 42);
    });

    test("calls a cell's process sends are validated: unknown registries and methods are refused", async () => {
      const forged = String.raw`
  const p = this.constructor.constructor("return process")();
  const answers = [];
  const listen = (m) => { if (m.type === "answer" && m.callId >= 9000) answers.push(m); };
  p.on("message", listen);
  const calls = [
    { op: "query", root: { kind: "registry", registry: "Nope" }, steps: [{ method: "filter", args: [] }] },
    { op: "query", root: { kind: "registry", registry: "ULabel" }, steps: [{ method: "resolveInstance", args: [] }] },
    { op: "query", root: { kind: "registry", registry: "ULabel" }, steps: [{ method: "delete", args: [] }, { method: "filter", args: [] }] },
    { op: "record", ref: { registry: "ULabel", id: 1 }, method: "constructor", args: [] },
    { op: "create", registry: "__proto__", args: [] },
  ];
  calls.forEach((call, i) => p.send({ type: "call", callId: 9000 + i, call }));
  while (answers.length < calls.length) await new Promise((r) => setTimeout(r, 0));
  p.off("message", listen);
  answers.sort((x, y) => x.callId - y.callId).map((a) => a.error && a.error.name + ": " + a.error.message)`;
      const r = await evaluateOk(f.client, forged);
      const errors = r.outputs.at(-1)!.items[0].data as string[];
      assert.equal(errors.length, 5);
      for (const e of errors) assert.match(String(e), /^InvalidArgument: /);
      // nothing was deleted by the refused chain
      assert.equal(
        (await evaluateOk(f.client, 'await ln.ULabel.filter({ name: "Survivor" }).count()')).outputs[0]
          .items[0].data,
        1,
      );
    });
  });
}

/** The heap limit of the notebook's query process, as its own command line says. */
const HEAP_FLAG = String.raw`
const p = this.constructor.constructor("return process")();
p.execArgv.find((a) => a.startsWith("--max-old-space-size=")) ?? "none"`;

// one configuration: the limits are the cell process's, which the server sets whatever its database
describe("query-cell limits from the settings lamindb.queryCells.* [postgres]", () => {
  let f: ServerFixture;
  const nb = "file:///work/limits.ipynb";
  const run = (code: string) =>
    f.client.request("lamin/evaluate", { code, language: "javascript", notebookUri: nb });
  const setLimits = (limits: unknown) =>
    f.client.connection.sendNotification("lamin/queryCellLimits", limits);
  /** The warnings the server showed the user (window/showMessage). */
  const warnings = () =>
    f.client.notifications
      .filter((n) => n.method === "window/showMessage")
      .map((n) => (n.params as { message: string }).message);

  before(async () => {
    // as a hand-edited settings.json can hold them: both refused
    f = await startServer("postgres", {
      queryCells: { timeoutSeconds: "soon" as unknown as number, memoryMb: 8 },
    });
  });
  after(async () => {
    await f?.close();
  });

  test("refused initial values are told, naming the setting, and the defaults hold", async () => {
    const told = await f.client.waitFor(() => (warnings().length >= 2 ? warnings() : undefined));
    assert.deepEqual(told, [
      'LaminDB: lamindb.queryCells.timeoutSeconds is a number of seconds from 1 to 86400, not "soon": using the default, 120 seconds',
      "LaminDB: lamindb.queryCells.memoryMb is an integer of MB from 64 to 16384, not 8: using the default, 512 MB",
    ]);
    assert.equal((await run(HEAP_FLAG)).outputs[0].items[0].data, "--max-old-space-size=512");
  });

  test("a lower timeout stops the next cell and names its seconds; memory applies to the next process", async () => {
    await setLimits({ timeoutSeconds: 1, memoryMb: 128 });
    const r = await run(ENDLESS_LOOP);
    assert.equal(r.error?.name, "Timeout", JSON.stringify(r.error));
    assert.match(r.error?.message ?? "", /did not finish within 1 s/);
    // the timeout killed the process: the next one has the new heap limit
    assert.equal((await run(HEAP_FLAG)).outputs[0].items[0].data, "--max-old-space-size=128");
  });

  test("a refused change is told and the default holds, not the last value", async () => {
    await setLimits({ timeoutSeconds: 1 });
    const before = warnings().length;
    await setLimits({ timeoutSeconds: -5, memoryMb: 256 });
    const told = await f.client.waitFor(() =>
      warnings().length > before ? warnings().slice(before) : undefined,
    );
    assert.deepEqual(told, [
      "LaminDB: lamindb.queryCells.timeoutSeconds is a number of seconds from 1 to 86400, not -5: using the default, 120 seconds",
    ]);
    // under the 1 s limit this cell would fail; under the default 120 s it finishes
    const r = await run('await new Promise((resolve) => setTimeout(resolve, 2500));\n"finished"');
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.outputs.at(-1)?.items[0].data, "finished");
  });
});
