// lamin/track and lamin/recoverRuns: notebook execution events in, runs out, on both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LAMIN_ERROR_CODES, type NotebookInfo, type TrackEvent } from "../../server/protocol";
import { LspClient } from "./lsp-client";
import { startServer, KINDS, type ServerFixture } from "./fixtures";

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
const cancelled = (uri: string, index: number, order: number, t: number): TrackEvent => ({
  eventId: id(),
  at: t + 5,
  type: "cellCancelled",
  notebookUri: uri,
  cell: { index, executionOrder: order, startTime: t, endTime: t + 5 },
});
const ended = (type: "kernelRestarted" | "notebookClosed", uri: string, t: number): TrackEvent => ({
  eventId: id(),
  at: t,
  type,
  notebookUri: uri,
});
/** The same event as sent by another VS Code session (a queue replayed by a later window). */
const from = (sessionId: string, e: TrackEvent): TrackEvent => ({ ...e, sessionId });

interface StoredRun {
  status: string;
  started_at: string;
  finished_at: string | null;
  aux: {
    sessionId: string;
    serverPid: number;
    ended?: boolean;
    cells: Array<{ index: number; success?: boolean; cancelled?: boolean; endTime?: number }>;
  };
}

/** The run as stored, _aux included (lamin/run answers a summary only). */
async function stored(client: LspClient, uid: string): Promise<StoredRun> {
  const r = await client.request("lamin/evaluate", {
    language: "javascript",
    code: `const r = await ln.Run.get("${uid}"); ({ status: r.status, started_at: r.started_at, finished_at: r.finished_at, aux: r._aux.lamin_vscode })`,
  });
  if (r.error) throw new Error(r.error.message);
  return r.outputs[0].items[0].data as unknown as StoredRun;
}

for (const kind of KINDS) {
  describe(`lamin/track [${kind}]`, () => {
    let f: ServerFixture;
    const track = (e: TrackEvent) => f.client.request("lamin/track", e);
    before(async () => {
      f = await startServer(kind);
    });
    after(async () => f?.close());

    test("started -> completed, with cells, params, environment and timing", async () => {
      // the parameters cell's source, read by the server (escapes as Python reads them)
      const nb = notebook("file:///w/qc.ipynb", "a = 1", { paramsSource: "lr = 0.1\nname = 'caf\\u00e9'" });
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
      assert.deepEqual(value.params, { lr: 0.1, name: "café" });
      assert.equal(value.extra.environment.name, "python3");
      assert.equal(value.cells, 2);
      assert.equal(value.kind, "notebook");
      assert.equal(value.description, "My analysis");
    });

    test("an event queued by an earlier version carries params as JSON: recorded as they are", async () => {
      const nb = notebook("file:///w/old.ipynb", "b = 1", { params: { lr: 0.2 } });
      const t0 = Date.parse("2026-01-03T03:04:05Z");
      const run = (await track(started(nb, 0, 1, t0))).run!;
      const r = await f.client.request("lamin/evaluate", {
        language: "javascript",
        code: `(await ln.Run.get("${run.uid}")).params`,
      });
      assert.deepEqual(r.outputs[0].items[0].data, { lr: 0.2 });
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

    test("replays of a run's INSERT and UPDATE (the claim rides on them) change nothing, and later events apply", async () => {
      const nb = notebook("file:///w/replays.ipynb");
      const t0 = Date.now();
      const s = started(nb, 0, 1, t0);
      const a = await track(s);
      const fin = finished(nb, 0, 1, t0);
      const b = await track(fin);
      // the replayed cellStarted would add a cell to the run in memory, the replayed cellFinished would end it
      // again: both are found by their claim, in the statement that would have written them
      for (const e of [s, fin]) {
        const again = await track(e);
        assert.equal(again.duplicate, true);
        assert.equal(again.run?.id, a.run?.id, "the replay names the run its first delivery changed");
      }
      assert.equal(b.run?.id, a.run?.id);
      const end = await track(idle(nb.uri, t0 + 10));
      assert.equal(end.duplicate, false);
      assert.equal(end.run?.status, "completed");
      const run = await stored(f.client, a.run!.uid);
      assert.deepEqual(
        run.aux.cells.map((x) => [x.index, x.success]),
        [[0, true]],
        "one cell: the replays wrote nothing, and the session was read back from the database",
      );
      // a restart aborts nothing (idle), a new cell starts a new run; its replay names the new run
      await track(ended("kernelRestarted", nb.uri, t0 + 20));
      const next = started(nb, 0, 1, t0 + 30);
      const c = await track(next);
      assert.notEqual(c.run?.id, a.run?.id);
      assert.equal((await track(next)).run?.id, c.run?.id);
    });

    test("kernel restart and notebook close mid-execution abort; restart starts a new run", async () => {
      const nb = notebook("file:///w/restart.ipynb");
      const t0 = Date.now();
      const a = await track(started(nb, 0, 1, t0));
      const restarted = await track(ended("kernelRestarted", nb.uri, t0 + 5));
      assert.equal(restarted.run?.status, "aborted");
      const b = await track(started(nb, 0, 1, t0 + 10));
      assert.notEqual(b.run?.id, a.run?.id);
      assert.equal(b.run?.transform.id, a.run?.transform.id, "same source, same version");
      // executionOrder back to 1 also means a restart
      await track(started(nb, 1, 2, t0 + 11));
      const c = await track(started(nb, 0, 1, t0 + 20));
      assert.notEqual(c.run?.id, b.run?.id);
      assert.equal((await f.client.request("lamin/run", { id: b.run!.id }))?.status, "aborted");
      const closed = await track(ended("notebookClosed", nb.uri, t0 + 30));
      assert.equal(closed.run?.status, "aborted");
    });

    test("started_at is the first cell's exact start, which arrives with its end; never later", async () => {
      const nb = notebook("file:///w/timing.ipynb");
      const t0 = Date.parse("2026-02-03T04:05:06.789Z");
      // the start is seen running 40 ms late; the finished summary carries the real start
      const seen = await track({ ...started(nb, 0, 1, t0 + 40) });
      assert.equal(seen.run?.started_at, new Date(t0 + 40).toISOString());
      const first = await track(finished(nb, 0, 1, t0));
      assert.equal(first.run?.started_at, new Date(t0).toISOString());
      // a later cell's start never moves it
      await track(started(nb, 1, 2, t0 + 50));
      const later = await track(finished(nb, 1, 2, t0 + 50));
      assert.equal(later.run?.started_at, new Date(t0).toISOString());
      const done = await track(idle(nb.uri, t0 + 60));
      assert.equal(done.run?.started_at, new Date(t0).toISOString());
      assert.equal((await stored(f.client, done.run!.uid)).started_at, new Date(t0).toISOString());
    });

    test("the first cell's exact start wins even when it is later than the seen one (reply before IOPub)", async () => {
      // after a restart the kernel's execute_reply (which sets the order: the cell looks running) can arrive
      // before its first IOPub message (which starts it): the exact start is then later than the seen one
      const nb = notebook("file:///w/reply-first.ipynb");
      const t0 = Date.parse("2026-02-03T05:00:00.000Z");
      const seen = await track(started(nb, 0, 1, t0 - 90));
      assert.equal(seen.run?.started_at, new Date(t0 - 90).toISOString());
      const first = await track(finished(nb, 0, 1, t0));
      assert.equal(first.run?.started_at, new Date(t0).toISOString());
      // a later cell's exact start never moves the run's start forward
      await track(started(nb, 1, 2, t0 + 50));
      const later = await track(finished(nb, 1, 2, t0 + 60));
      assert.equal(later.run?.started_at, new Date(t0).toISOString());
    });

    test("a cancelled cell is recorded as cancelled and leaves the run open; alone it starts nothing", async () => {
      const nb = notebook("file:///w/cancel.ipynb");
      const t0 = Date.now();
      const a = await track(started(nb, 0, 1, t0));
      await track(finished(nb, 0, 1, t0));
      await track(started(nb, 1, 2, t0 + 10));
      const c = await track(cancelled(nb.uri, 1, 2, t0 + 10));
      assert.equal(c.run?.id, a.run?.id);
      assert.equal(c.run?.status, "started", "a cancellation does not end the run");
      assert.equal(c.run?.finished_at, null);
      const s = await stored(f.client, a.run!.uid);
      assert.deepEqual(
        s.aux.cells.map((x) => [x.index, x.success, x.cancelled ?? false]),
        [
          [0, true, false],
          [1, undefined, true],
        ],
      );
      assert.equal(s.aux.cells[1].endTime, t0 + 15);
      const restarted = await track(ended("kernelRestarted", nb.uri, t0 + 30));
      assert.equal(restarted.run?.status, "aborted");
      assert.equal(restarted.run?.finished_at, new Date(t0 + 30).toISOString());
      const none = await track(cancelled("file:///w/never-ran.ipynb", 0, 1, t0));
      assert.equal(none.run, null);
    });

    test("events of another VS Code session go to that session's run, not this one's", async () => {
      const uri = "file:///w/two-windows.ipynb";
      const nb = notebook(uri);
      const t0 = Date.now();
      const mine = await track(started(nb, 0, 1, t0));
      const theirs = await track(from("other-window", started(nb, 0, 1, t0 + 1)));
      assert.notEqual(theirs.run?.id, mine.run?.id, "same notebook, other session: another run");
      assert.equal((await stored(f.client, theirs.run!.uid)).aux.sessionId, "other-window");
      assert.equal((await stored(f.client, mine.run!.uid)).aux.sessionId, f.options.sessionId);
      // their restart does not touch my run
      await track(from("other-window", ended("kernelRestarted", uri, t0 + 2)));
      assert.equal((await f.client.request("lamin/run", { id: mine.run!.id }))?.status, "started");
      assert.equal((await f.client.request("lamin/run", { id: theirs.run!.id }))?.status, "aborted");
      await track(finished(nb, 0, 1, t0));
      assert.equal((await track(idle(uri, t0 + 10))).run?.status, "completed");
    });

    test("a queue replayed by a later window continues its session's run; recovery leaves it alone", async () => {
      // window A starts a run and dies with events still queued
      const a = await LspClient.start({ ...f.options, sessionId: "window-a" });
      await a.ready();
      const nb = notebook("file:///w/replayed.ipynb");
      const t0 = Date.now();
      const left = await a.request("lamin/track", started(nb, 0, 1, t0));
      await a.kill("SIGKILL");
      // window B (this server) replays A's queue: the same run goes on, now owned by B's server
      const resumed = await track(from("window-a", finished(nb, 0, 1, t0)));
      assert.equal(resumed.run?.id, left.run!.id);
      const owned = await stored(f.client, left.run!.uid);
      assert.equal(owned.aux.sessionId, "window-a");
      assert.notEqual(owned.aux.serverPid, a.child.pid, "the replaying server owns it now");
      await track(from("window-a", started(nb, 1, 2, t0 + 10)));
      // window C starts meanwhile: A's run is owned by a live server, so recovery leaves it alone
      const c = await LspClient.start({ ...f.options, sessionId: "window-c" });
      try {
        await c.ready();
        const r = await c.request("lamin/recoverRuns", { sessionId: "window-c" });
        assert.ok(!r.aborted.some((x) => x.id === left.run!.id));
      } finally {
        await c.stop();
      }
      await track(from("window-a", finished(nb, 1, 2, t0 + 10)));
      const done = await track(from("window-a", idle(nb.uri, t0 + 20)));
      assert.equal(done.run?.id, left.run!.id);
      assert.equal(done.run?.status, "completed");
      assert.equal(done.run?.finished_at, new Date(t0 + 15).toISOString());
      const runs = await f.client.request("lamin/runs", {
        offset: 0,
        limit: 10,
        transformId: left.run!.transform.id,
      });
      assert.equal(runs.items.filter((r) => r.transform.key === "replayed.ipynb").length, 1, "one run");
      // the session's notebook closing after the idle changes nothing; afterwards it starts afresh
      const closed = await track(from("window-a", ended("notebookClosed", nb.uri, t0 + 30)));
      assert.equal(closed.run, null);
      const again = await track(from("window-a", started(nb, 0, 1, t0 + 40)));
      assert.notEqual(again.run?.id, left.run!.id);
    });

    test("a restarted server picks its session's open run up from the database", async () => {
      const options = { ...f.options, sessionId: `restarting-${kind}` };
      const first = await LspClient.start(options);
      await first.ready();
      const nb = notebook("file:///w/server-restart.ipynb");
      const t0 = Date.now();
      const a = await first.request("lamin/track", started(nb, 0, 1, t0));
      await first.request("lamin/track", finished(nb, 0, 1, t0, false));
      await first.stop();
      const second = await LspClient.start(options);
      try {
        await second.ready();
        const b = await second.request("lamin/track", started(nb, 1, 2, t0 + 10));
        assert.equal(b.run?.id, a.run?.id, "the same kernel session: the same run");
        await second.request("lamin/track", finished(nb, 1, 2, t0 + 10));
        const end = await second.request("lamin/track", idle(nb.uri, t0 + 20));
        assert.equal(end.run?.status, "errored", "the failure before the restart counts");
      } finally {
        await second.stop();
      }
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

    test("recoverRuns aborts runs left started by a server that is gone (VS Code quit mid-execution)", async () => {
      const other = await LspClient.start({ ...f.options, sessionId: "dead-session" });
      await other.ready();
      const nb = notebook("file:///w/orphan.ipynb");
      const left = await other.request("lamin/track", started(nb, 0, 1, Date.now()));
      await other.kill("SIGKILL");
      const r = await f.client.request("lamin/recoverRuns", { sessionId: f.options.sessionId });
      const found = r.aborted.find((x) => x.id === left.run!.id);
      assert.equal(found?.status, "aborted");
      assert.ok(found?.finished_at, "finished_at is set");
    });

    test("an untrusted workspace refuses every write", async () => {
      const ro = await LspClient.start({ ...f.options, trusted: false, sessionId: "ro" });
      try {
        await ro.ready();
        await assert.rejects(
          ro.request("lamin/track", started(notebook("file:///w/ro.ipynb"), 0, 1, Date.now())),
          /not trusted/,
        );
        await assert.rejects(
          ro.request("lamin/evaluate", { code: "1", language: "javascript" }),
          (e: { code?: number }) => e.code === LAMIN_ERROR_CODES.writeRefused,
        );
      } finally {
        await ro.stop();
      }
    });
  });
}
