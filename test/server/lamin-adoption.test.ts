// A notebook that calls ln.track(): one run, LaminDB's, adopted by the server (server/tracking/adoption.ts).
// LaminDB's side is played by a stand-in writing exactly the rows ln.track()/ln.finish() write, with
// SQL through the same database (PostgreSQL, or PGlite through the socket the server serves its folder on); the extension's side by a real LSP client sending events.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { LAMIN_ERROR_CODES, type NotebookInfo, type TrackEvent } from "../../server/protocol";
import { holderUrl } from "../../server/connection/embedded";
import { KINDS, startServer, type ServerFixture } from "./fixtures";
import { base62, LaminDbStandIn } from "./lamindb-standin";

let seq = 0;
const id = () => `ad-${process.pid}-${seq++}`;
const SEP = "\n\n# %%\n";

function notebook(name: string, cells: string[]): NotebookInfo {
  return { uri: `file:///w/analysis/${name}`, key: `analysis/${name}`, source: cells.join(SEP) };
}
const started = (nb: NotebookInfo, index: number, order: number, t: number): TrackEvent => ({
  eventId: id(),
  at: t,
  type: "cellStarted",
  notebook: nb,
  cell: { index, executionOrder: order, startTime: t },
});
const finished = (
  nb: NotebookInfo,
  index: number,
  order: number,
  t: number,
  end: number,
  extra: { success?: boolean; trackOutput?: string } = {},
): TrackEvent => ({
  eventId: id(),
  at: end,
  type: "cellFinished",
  notebook: nb,
  cell: {
    index,
    executionOrder: order,
    startTime: t,
    endTime: end,
    success: extra.success ?? true,
    ...extra,
  },
});
const plain = (type: "executionIdle" | "kernelRestarted" | "notebookClosed", uri: string): TrackEvent => ({
  eventId: id(),
  at: Date.now(),
  type,
  notebookUri: uri,
});

interface Aux {
  adopted?: boolean;
  ended?: boolean;
  initiatedBy?: number;
  cells: Array<{ index: number; executionOrder?: number; success?: boolean; endTime?: number }>;
}
const auxOf = (row: Record<string, unknown>) => (row._aux as { lamin_vscode?: Aux } | null)?.lamin_vscode;

for (const kind of KINDS)
  describe(`ln.track() notebooks: LaminDB's run adopted [${kind}]`, () => {
    let f: ServerFixture;
    let lamin: LaminDbStandIn;
    const track = (e: TrackEvent) => f.client.request("lamin/track", e);
    /** Runs one cell whose body is `body` (LaminDB's side) between its start and its end events. */
    async function cell<T>(
      nb: NotebookInfo,
      index: number,
      order: number,
      body: () => Promise<T>,
      extra: (r: T) => { success?: boolean; trackOutput?: string } = () => ({}),
    ) {
      const t = Date.now();
      await track(started(nb, index, order, t));
      const r = await body();
      return track(finished(nb, index, order, t, Date.now(), extra(r)));
    }
    const nothing = async () => undefined;

    before(async () => {
      f = await startServer(kind);
      // PGlite: LaminDB's side connects through the socket the server serves the embedded folder on, as
      // another window's server does
      const url = kind === "pglite" ? holderUrl(f.dir!) : f.url;
      assert.ok(url, "a URL for LaminDB's side");
      lamin = new LaminDbStandIn(url);
    });
    after(async () => {
      await lamin?.close();
      await f?.close();
    });

    test("one run, LaminDB's, with the cells; finish() reverts _aux and the next cell's end writes it again", async () => {
      const nb = notebook("one.ipynb", ["import lamindb as ln", "ln.track()", "x = 1", "ln.finish()"]);
      const runsBefore = await lamin.count("lamindb_run");
      const transformsBefore = await lamin.count("lamindb_transform");
      await cell(nb, 0, 1, nothing);
      const adopted = await cell(
        nb,
        1,
        2,
        () => lamin.track({ key: "one.ipynb" }),
        (line) => ({ trackOutput: line }),
      );
      const uid = lamin.currentRunUid!;
      assert.equal(adopted.run?.uid, uid);
      assert.equal(adopted.run?.trackedBy, "lamindb");
      assert.equal(adopted.run?.status, "started");
      await cell(nb, 2, 3, nothing);
      assert.equal((await track(plain("executionIdle", nb.uri))).run, null); // status stays LaminDB's
      let row = await lamin.runRow(uid);
      assert.equal(row._status_code, -1);
      assert.deepEqual(
        auxOf(row)?.cells.map((c) => [c.index, c.executionOrder, c.success]),
        [
          [0, 1, true],
          [1, 2, true],
          [2, 3, true],
        ],
      );
      assert.equal(auxOf(row)?.adopted, true);
      // the extension made no Transform and no Run of its own
      assert.equal(await lamin.count("lamindb_run"), runsBefore + 1);
      assert.equal(await lamin.count("lamindb_transform"), transformsBefore + 1);

      // ln.finish(): its full-row save reverts _aux; the cell's end writes it again
      const t = Date.now();
      await track(started(nb, 3, 4, t));
      await lamin.finish(nb.source!);
      row = await lamin.runRow(uid);
      assert.equal(auxOf(row), undefined);
      const done = await track(finished(nb, 3, 4, t, Date.now()));
      assert.equal(done.run?.status, "completed");
      row = await lamin.runRow(uid);
      assert.equal(auxOf(row)?.cells.length, 4);
      assert.equal(row._status_code, 0);
      const transform = await f.client.request("lamin/evaluate", {
        language: "javascript",
        code: `const t = await (await ln.Run.get("${uid}")).transform; ({ source: t.source_code, key: t.key })`,
      });
      assert.deepEqual(transform.outputs[0].items[0].data, { source: nb.source, key: "one.ipynb" });
      // describe() of the run and the Runs tree's page say it is LaminDB's
      const page = await f.client.request("lamin/runs", { offset: 0, limit: 50 });
      assert.equal(page.items.find((r) => r.uid === uid)?.trackedBy, "lamindb");

      const described = await f.client.request("lamin/describe", { registry: "Run", uid });
      assert.equal(described.fields.find((x) => x.name === "tracked_by")?.value, "LaminDB (ln.track())");

      // a kernel restart after finish(): LaminDB's status stays completed
      await track(plain("kernelRestarted", nb.uri));
      assert.equal((await lamin.runRow(uid))._status_code, 0);
    });

    test("a 12-character uid and a 16-character uid, found in the database when the output line is not seen", async () => {
      const stem = base62(12);
      const nb12 = notebook("twelve.ipynb", ["import lamindb as ln", `ln.track("${stem}")`]);
      const r12 = await cell(nb12, 1, 1, () => lamin.track({ key: "twelve.ipynb", uid: stem }));
      assert.equal(r12.run?.uid, lamin.currentRunUid);
      assert.equal(r12.run?.transform.uid.slice(0, 12), stem);
      assert.equal(auxOf(await lamin.runRow(r12.run!.uid))?.cells.length, 1);

      const full = base62(12) + "0000";
      const nb16 = notebook("sixteen.ipynb", ["import lamindb as ln", `ln.track('${full}')`]);
      const runsBefore = await lamin.count("lamindb_run");
      const r16 = await cell(nb16, 1, 1, () => lamin.track({ key: "sixteen.ipynb", uid: full }));
      assert.equal(r16.run?.transform.uid, full);
      assert.equal(r16.run?.uid, lamin.currentRunUid);
      assert.equal(await lamin.count("lamindb_run"), runsBefore + 1);
    });

    test("a re-run after finish() adopts the new run; a restart without finish() aborts, then the re-started run is adopted again", async () => {
      const nb = notebook("rerun.ipynb", ["import lamindb as ln\nln.track()", "ln.finish()"]);
      const out = (line: string) => ({ trackOutput: line });
      const first = await cell(nb, 0, 1, () => lamin.track({ key: "rerun.ipynb" }), out);
      await cell(nb, 1, 2, () => lamin.finish(nb.source!));
      // the same kernel session: track() after finish() is a new version and a new run
      const second = await cell(nb, 0, 3, () => lamin.track({ key: "rerun.ipynb" }), out);
      assert.notEqual(second.run?.uid, first.run?.uid);
      assert.notEqual(second.run?.transform.uid, first.run?.transform.uid);
      assert.equal(auxOf(await lamin.runRow(first.run!.uid))?.cells.length, 2);
      assert.deepEqual(
        auxOf(await lamin.runRow(second.run!.uid))?.cells.map((c) => c.executionOrder),
        [3],
      );
      // restart without finish(): LaminDB's run is still started: aborted
      const restarted = await track(plain("kernelRestarted", nb.uri));
      assert.equal(restarted.run?.status, "aborted");
      let row = await lamin.runRow(second.run!.uid);
      assert.equal(row._status_code, 2);
      assert.equal(auxOf(row)?.ended, true);
      // the new kernel: track() re-starts the same run (-2); adopted again, the earlier cells kept
      const again = await cell(nb, 0, 1, () => lamin.track({ key: "rerun.ipynb" }), out);
      assert.equal(again.run?.uid, second.run?.uid);
      row = await lamin.runRow(second.run!.uid);
      assert.equal(row._status_code, -2);
      assert.deepEqual(
        auxOf(row)?.cells.map((c) => c.executionOrder),
        [3, 1],
      );
      assert.equal(auxOf(row)?.ended, undefined);
      // closing the notebook while it is re-started aborts it too
      assert.equal((await track(plain("notebookClosed", nb.uri))).run?.status, "aborted");
    });

    test("cells before track() are the extension's own run, linked to LaminDB's; a track() that raised too", async () => {
      const nb = notebook("before.ipynb", ["import lamindb as ln\nimport pandas", "ln.track()", "x = 1"]);
      const own = await cell(nb, 0, 1, nothing);
      assert.equal(own.run, null); // held until LaminDB's run is known or the burst ends
      const idle = await track(plain("executionIdle", nb.uri));
      assert.equal(idle.run?.status, "completed");
      assert.equal(idle.run?.trackedBy, undefined);
      assert.equal(idle.run?.transform.key, "analysis/before.ipynb");
      const ownId = idle.run!.id;
      // track() raised: still the extension's run, errored
      const raised = await cell(nb, 1, 2, nothing, () => ({ success: false }));
      assert.equal(raised.run, null);
      const errored = await track(plain("executionIdle", nb.uri));
      assert.equal(errored.run?.id, ownId);
      assert.equal(errored.run?.status, "errored");
      // then it runs: LaminDB's run, initiated by the extension's
      const adopted = await cell(
        nb,
        1,
        3,
        () => lamin.track({ key: "before.ipynb" }),
        (l) => ({ trackOutput: l }),
      );
      assert.equal(adopted.run?.trackedBy, "lamindb");
      const row = await lamin.runRow(adopted.run!.uid);
      assert.equal(Number(row.initiated_by_run_id), ownId);
      assert.deepEqual(
        auxOf(row)?.cells.map((c) => c.executionOrder),
        [3],
      );
      // finish() reverts the link with the rest; the next write restores it
      const t = Date.now();
      await track(started(nb, 2, 4, t));
      await lamin.finish(nb.source!);
      assert.equal((await lamin.runRow(adopted.run!.uid)).initiated_by_run_id, null);
      await track(finished(nb, 2, 4, t, Date.now()));
      assert.equal(Number((await lamin.runRow(adopted.run!.uid)).initiated_by_run_id), ownId);

      // a later kernel session in which track() never runs: the extension's run, initiated by LaminDB's
      await track(plain("kernelRestarted", nb.uri));
      await cell(nb, 0, 1, nothing);
      const later = await track(plain("executionIdle", nb.uri));
      assert.notEqual(later.run?.id, ownId);
      assert.equal(later.run?.trackedBy, undefined);
      assert.equal(Number((await lamin.runById(later.run!.id)).initiated_by_run_id), adopted.run!.id);
    });

    test("a notebook without ln.track(), or with it commented out, is tracked as before", async () => {
      for (const [name, cells] of [
        ["plain.ipynb", ["import lamindb as ln", "x = 1"]],
        ["commented.ipynb", ["import lamindb as ln\n# ln.track()", "s = 'ln.track()'"]],
      ] as const) {
        const nb = notebook(name, [...cells]);
        const r = await cell(nb, 0, 1, nothing);
        assert.equal(r.run?.status, "started", name);
        assert.equal(r.run?.trackedBy, undefined, name);
        assert.equal(r.run?.transform.key, `analysis/${name}`);
        assert.equal((await track(plain("executionIdle", nb.uri))).run?.status, "completed");
      }
    });

    test("lamin/laminCalls: whether a cell calls ln.track() / ln.finish() (saved before finish runs)", async () => {
      const calls = (code: string) => f.client.request("lamin/laminCalls", { code });
      assert.deepEqual(await calls("ln.finish()"), { track: false, finish: true });
      assert.deepEqual(await calls("import lamindb as ln\nln.track('Kq3nA8x0pL2m')"), {
        track: true,
        finish: false,
      });
      assert.deepEqual(await calls("# ln.finish()\nprint('ln.finish()')"), { track: false, finish: false });
      await assert.rejects(
        f.client.request("lamin/laminCalls", { code: 7 as unknown as string }),
        (e: { code?: number }) => e.code === LAMIN_ERROR_CODES.invalidParams,
      );
    });

    test("a trackOutput that is not bounded text is refused and changes nothing", async () => {
      const nb = notebook("bad.ipynb", ["import lamindb as ln\nln.track()"]);
      const runs = await lamin.count("lamindb_run");
      const t = Date.now();
      for (const trackOutput of [42 as unknown as string, "x".repeat(5000)]) {
        await assert.rejects(
          track(finished(nb, 0, 1, t, t + 5, { trackOutput })),
          (e: { code?: number }) => e.code === LAMIN_ERROR_CODES.invalidParams,
        );
      }
      await track(plain("executionIdle", nb.uri));
      assert.equal(await lamin.count("lamindb_run"), runs);
    });
  });
