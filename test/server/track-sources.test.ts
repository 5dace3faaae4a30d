// lamin/track with notebook sources by hash (server/protocol.ts, NotebookInfo.sourceHash): the first
// event sends the source, later ones only its SHA-256; a hash the server does not hold is refused with
// sourceUnknown before anything is written, so the extension's resend with the source applies it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { LAMIN_ERROR_CODES, type TrackEvent } from "../../server/protocol";
import { startServer, type ServerFixture } from "./fixtures";

const sha = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
let seq = 0;
const id = () => `src-${process.pid}-${seq++}`;

// direct and through PgBouncer: the source cache must hold whichever server connection a statement lands on
for (const kind of ["postgres", "pgbouncer"] as const)
  describe(`lamin/track: sources by hash [${kind}]`, () => {
    let s: ServerFixture;
    before(async () => {
      s = await startServer(kind);
    });
    after(async () => {
      await s?.close();
    });

    const uri = "file:///w/by-hash.ipynb";
    const source = "import lamindb as ln\n\n# %%\nx = 1";
    const nb = (extra: object) => ({ uri, key: "by-hash.ipynb", ...extra });
    const started = (notebook: object, t: number): TrackEvent =>
      ({
        eventId: id(),
        at: t,
        type: "cellStarted",
        notebook,
        cell: { index: 0, executionOrder: 1, startTime: t },
      }) as TrackEvent;
    const finished = (notebook: object, t: number): TrackEvent =>
      ({
        eventId: id(),
        at: t,
        type: "cellFinished",
        notebook,
        cell: { index: 0, executionOrder: 1, startTime: t - 5, endTime: t, success: true },
      }) as TrackEvent;
    const rejectsWith = (e: TrackEvent, code: number) =>
      assert.rejects(s.client.request("lamin/track", e), (err: { code?: number }) => err.code === code);
    const runCount = async () => {
      const page = await s.client.request("lamin/runs", { offset: 0, limit: 100 });
      return page.items.filter((r) => r.transform.key === "by-hash.ipynb").length;
    };

    test("an unknown hash is refused with sourceUnknown and writes nothing; sent with its source it applies", async () => {
      const t0 = Date.now();
      const first = started(nb({ sourceHash: sha(source) }), t0);
      await rejectsWith(first, LAMIN_ERROR_CODES.sourceUnknown);
      assert.equal(await runCount(), 0, "nothing written");
      // the extension's resend: the same event, its source attached
      const resent = { ...first, notebook: nb({ source, sourceHash: sha(source) }) } as TrackEvent;
      const r = await s.client.request("lamin/track", resent);
      assert.equal(r.duplicate, false, "the refused attempt claimed nothing");
      assert.equal(r.run?.status, "started");
      // from now on the hash alone will do
      const end = await s.client.request("lamin/track", finished(nb({ sourceHash: sha(source) }), t0 + 10));
      assert.equal(end.run?.id, r.run?.id);
      const transform = await s.client.request("lamin/transforms", {
        offset: 0,
        limit: 10,
        key: "by-hash.ipynb",
      });
      assert.equal(transform.items.length, 1, "one version: the hash named the same source");
      assert.equal(await runCount(), 1);
    });

    test("a hash that is not the source's, or neither, is invalid params", async () => {
      await rejectsWith(
        started(nb({ source, sourceHash: sha("other") }), Date.now()),
        LAMIN_ERROR_CODES.invalidParams,
      );
      await rejectsWith(
        started(nb({ sourceHash: "not-a-sha" }), Date.now()),
        LAMIN_ERROR_CODES.invalidParams,
      );
      await rejectsWith(started(nb({}), Date.now()), LAMIN_ERROR_CODES.invalidParams);
      assert.equal(await runCount(), 1, "nothing more written");
    });
  });
