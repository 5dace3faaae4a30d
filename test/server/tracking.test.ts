// lamin/track and lamin/recoverRuns: notebook execution events in, runs out, on both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { NotebookInfo, TrackEvent } from "../../server/protocol";
import { LspClient } from "./lsp-client";
import { startServer, type Kind, type ServerFixture } from "./fixtures";

let seq = 0;
const id = () => `ev-${process.pid}-${seq++}`;

function notebook(
  uri: string,
  source = "import lamindb as ln\nx = 1",
  extra: Partial<NotebookInfo> = {},
): NotebookInfo {
  return {
    uri,
    key: uri.split("/").pop()!,
    source,
    title: "My analysis",
    kernel: { name: "python3", language: "python", version: "3.12" },
    ...extra,
  };
}
const started = (nb: NotebookInfo, index: number, order: number, t: number): TrackEvent => ({
  eventId: id(),
  at: t,
  type: "cellStarted",
  notebook: nb,
  cell: { index, executionOrder: order, startTime: t },
});
const finished = (nb: NotebookInfo, index: number, order: number, t: number, success = true): TrackEvent => ({
  eventId: id(),
  at: t + 5,
  type: "cellFinished",
  notebook: nb,
  cell: { index, executionOrder: order, startTime: t, endTime: t + 5, success },
});
const idle = (uri: string, t: number): TrackEvent => ({
  eventId: id(),
  at: t,
  type: "executionIdle",
  notebookUri: uri,
});

for (const kind of ["postgres", "pglite"] as Kind[]) {
  describe(`lamin/track [${kind}]`, () => {
    let f: ServerFixture;
    const track = (e: TrackEvent) => f.client.request("lamin/track", e);
    before(async () => {
      f = await startServer(kind);
    });
    after(async () => f?.close());

    test("started -> completed, with cells, params, environment and timing", async () => {
      const nb = notebook("file:///w/qc.ipynb", "a = 1", { params: { lr: 0.1 } });
      const t0 = Date.parse("2026-01-02T03:04:05Z");
      const first = await track(started(nb, 0, 1, t0));
      assert.equal(first.run?.status, "started");
      assert.equal(first.run?.started_at, new Date(t0).toISOString());
      assert.equal(first.run?.transform.key, "qc.ipynb");
      await track(finished(nb, 0, 1, t0));
      await track(started(nb, 1, 2, t0 + 10));
      await track(finished(nb, 1, 2, t0 + 10));
      const done = await track(idle(nb.uri, t0 + 20));
      assert.equal(done.run?.status, "completed");
      assert.equal(done.run?.finished_at, new Date(t0 + 15).toISOString());
      const r = await f.client.request("lamin/evaluate", {
        language: "javascript",
        code: `const r = await ln.Run.get("${done.run!.uid}"); ({ params: r.params, extra: r.extra_data, cells: r._aux.lamin_vscode.cells.length, kind: (await r.transform).kind, description: (await r.transform).description })`,
      });
      const value = r.outputs[0].items[0].data as {
        params: unknown;
        extra: { environment: { name: string } };
        cells: number;
        kind: string;
        description: string;
      };
      assert.deepEqual(value.params, { lr: 0.1 });
      assert.equal(value.extra.environment.name, "python3");
      assert.equal(value.cells, 2);
      assert.equal(value.kind, "notebook");
      assert.equal(value.description, "My analysis");
    });

    test("a failing cell gives errored; a replayed event is a duplicate and changes nothing", async () => {
      const nb = notebook("file:///w/err.ipynb");
      const t0 = Date.now();
      const s = started(nb, 0, 1, t0);
      const a = await track(s);
      const again = await track(s);
      assert.equal(again.duplicate, true);
      assert.equal(again.run?.id, a.run?.id);
      await track(finished(nb, 0, 1, t0, false));
      const end = await track(idle(nb.uri, t0 + 10));
      assert.equal(end.run?.status, "errored");
      const runs = await f.client.request("lamin/runs", {
        offset: 0,
        limit: 50,
        transformId: a.run!.transform.id,
      });
      assert.equal(runs.total, 1);
    });

    test("kernel restart and notebook close mid-execution abort; restart starts a new run", async () => {
      const nb = notebook("file:///w/restart.ipynb");
      const t0 = Date.now();
      const a = await track(started(nb, 0, 1, t0));
      const restarted = await track({
        eventId: id(),
        at: t0 + 5,
        type: "kernelRestarted",
        notebookUri: nb.uri,
      });
      assert.equal(restarted.run?.status, "aborted");
      const b = await track(started(nb, 0, 1, t0 + 10));
      assert.notEqual(b.run?.id, a.run?.id);
      assert.equal(b.run?.transform.id, a.run?.transform.id, "same source, same version");
      // executionOrder back to 1 also means a restart
      await track(started(nb, 1, 2, t0 + 11));
      const c = await track(started(nb, 0, 1, t0 + 20));
      assert.notEqual(c.run?.id, b.run?.id);
      assert.equal((await f.client.request("lamin/run", { id: b.run!.id }))?.status, "aborted");
      const closed = await track({ eventId: id(), at: t0 + 30, type: "notebookClosed", notebookUri: nb.uri });
      assert.equal(closed.run?.status, "aborted");
    });

    test("a changed source gives a new version; an unchanged one is reused", async () => {
      const t0 = Date.now();
      const v1 = notebook("file:///w/versions.ipynb", "print(1)");
      const a = await track(started(v1, 0, 1, t0));
      await track(idle(v1.uri, t0 + 1));
      const same = await track(started(v1, 0, 2, t0 + 2));
      assert.equal(same.run?.id, a.run?.id, "same session, same source: the run resumes");
      assert.equal(same.run?.status, "started");
      await track(idle(v1.uri, t0 + 3));
      const v2 = { ...v1, source: "print(2)" };
      const b = await track(started(v2, 0, 3, t0 + 4));
      assert.notEqual(b.run?.id, a.run?.id);
      assert.notEqual(b.run?.transform.uid, a.run?.transform.uid);
      assert.equal(b.run?.transform.uid.slice(0, 12), a.run?.transform.uid.slice(0, 12), "same family");
      assert.equal(b.run?.transform.is_latest, true);
    });

    test("recoverRuns aborts runs left started by a server that is gone", async () => {
      const other = await LspClient.start({ ...f.options, sessionId: "dead-session" });
      await other.ready(120_000);
      const nb = notebook("file:///w/orphan.ipynb");
      const left = await other.request("lamin/track", started(nb, 0, 1, Date.now()));
      await other.kill("SIGKILL");
      const r = await f.client.request("lamin/recoverRuns", { sessionId: f.options.sessionId });
      assert.ok(r.aborted.some((x) => x.id === left.run!.id && x.status === "aborted"));
    });

    test("an untrusted workspace refuses every write", async () => {
      const ro = await LspClient.start({ ...f.options, trusted: false, sessionId: "ro" });
      try {
        await ro.ready(120_000);
        await assert.rejects(
          ro.request("lamin/track", started(notebook("file:///w/ro.ipynb"), 0, 1, Date.now())),
          /not trusted/,
        );
        const ev = await ro.request("lamin/evaluate", { code: "1", language: "javascript" });
        assert.equal(ev.error?.name, "WriteRefused");
      } finally {
        await ro.stop();
      }
    });
  });
}
