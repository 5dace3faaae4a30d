// An untrusted workspace writes nothing: the server opens the database read-only (no migration, no
// user row, read-only transactions) and refuses every writing request with writeRefused. The proof is a
// full dump of the database (every table, every row) taken before and after a server in an untrusted
// workspace was asked to track, delete, restore, recover runs, evaluate and load demo data, and
// answered completions, hover and diagnostics. Both databases.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LAMIN_ERROR_CODES, type LaminInitializationOptions, type TrackEvent } from "../../server/protocol";
import { createPostgresDatabase } from "../helpers/databases";
import { dumpFolder, dumpPostgres, type Dump } from "../helpers/dump";
import { at, LspClient } from "./lsp-client";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";

const refused = (e: unknown) => {
  const err = e as { code?: number; message?: string };
  assert.equal(err.code, LAMIN_ERROR_CODES.writeRefused, String(err.message));
  assert.match(String(err.message), /not trusted.*Trust the workspace/s);
  return true;
};

const event = (type: "cellStarted", uri: string): TrackEvent => ({
  eventId: `ro-${process.pid}-${Date.now()}`,
  at: Date.now(),
  type,
  notebook: { uri, key: "ro.ipynb", source: "import lamindb as ln" },
  cell: { index: 0, executionOrder: 1, startTime: Date.now() },
});

for (const kind of KINDS) {
  describe(`an untrusted workspace changes nothing [${kind}]`, () => {
    let f: ServerFixture;
    let seededId: number;
    let trashedId: number;
    const dump = (): Promise<Dump> => (kind === "pglite" ? dumpFolder(f.dir!) : dumpPostgres(f.url!));

    before(async () => {
      f = await startServer(kind);
      const seeded = await evaluateOk(
        f.client,
        'const l = await new ln.ULabel({ name: "Seeded" }).save(); l.id',
      );
      seededId = Number(
        (seeded.outputs[0].items.find((i) => i.mime === "application/json")?.data as number) ?? NaN,
      );
      const trashed = await evaluateOk(
        f.client,
        'const t = await new ln.ULabel({ name: "Trashed" }).save(); t.id',
      );
      trashedId = Number(trashed.outputs[0].items.find((i) => i.mime === "application/json")?.data);
      await f.client.request("lamin/delete", { registry: "ULabel", id: trashedId });
      await f.client.request("lamin/track", event("cellStarted", "file:///w/left-open.ipynb"));
      await f.client.stop(); // the folder or database is now at rest
    });
    after(() => f.close());

    test("track, delete, restore, recoverRuns, evaluate and loadDemoData are refused; reads work; the dump is unchanged", async () => {
      assert.ok(Number.isInteger(seededId) && Number.isInteger(trashedId), "seeded ids");
      const before = await dump();
      assert.ok(before.tables.length > 20, "a migrated database");
      const options: LaminInitializationOptions = {
        ...f.options,
        trusted: false,
        sessionId: "ro",
        user: { handle: "stranger" },
      };
      const ro = await LspClient.start(options);
      try {
        await ro.ready();
        const status = await ro.request("lamin/status", {});
        assert.equal(status.readOnly, true);
        await assert.rejects(ro.request("lamin/track", event("cellStarted", "file:///w/ro.ipynb")), refused);
        await assert.rejects(ro.request("lamin/delete", { registry: "ULabel", id: seededId }), refused);
        await assert.rejects(
          ro.request("lamin/delete", { registry: "ULabel", id: seededId, permanent: true }),
          refused,
        );
        await assert.rejects(ro.request("lamin/restore", { registry: "ULabel", id: trashedId }), refused);
        await assert.rejects(ro.request("lamin/recoverRuns", { sessionId: "ro" }), refused);
        await assert.rejects(
          ro.request("lamin/evaluate", {
            code: 'await new ln.ULabel({ name: "Evil" }).save()',
            language: "javascript",
          }),
          refused,
        );
        await assert.rejects(ro.request("lamin/loadDemoData", {}), refused);

        // reads still work: completion, hover, diagnostics, browsing
        const c = at('import lamindb as ln\nln.ULabel.get(name="See|")');
        ro.openText("file:///w/ro.py", c.text);
        const items = await ro.completion("file:///w/ro.py", c.position);
        assert.ok(
          items.some((i) => i.label === "Seeded"),
          "completion reads the database",
        );
        ro.openText("file:///w/typo.py", 'import lamindb as ln\nln.ULabel.get(name="Seedd")\n');
        const d = await ro.diagnosticsFor("file:///w/typo.py");
        assert.match(d[0].message, /No ULabel with name "Seedd"/);
        const hover = await ro.hover("file:///w/ro.py", { line: 1, character: 22 });
        assert.ok(hover === null || typeof hover.contents.value === "string");
        const page = await ro.request("lamin/records", { registry: "ULabel", offset: 0, limit: 10 });
        assert.ok(page.items.some((r) => r.label === "Seeded"));
      } finally {
        await ro.stop();
      }
      assert.deepEqual(await dump(), before, "the database is exactly as before");
    });
  });
}

describe("an untrusted workspace does not set up a database", () => {
  test("an empty PostgreSQL database: the server says so and creates no table", async () => {
    const db = await createPostgresDatabase();
    try {
      const ro = await LspClient.start({
        database: { kind: "postgres", name: "empty", url: db.url },
        user: { handle: "stranger" },
        trusted: false,
        sessionId: "ro-empty",
      });
      try {
        await assert.rejects(ro.ready(), /no LaminDB tables yet.*trust the workspace/s);
      } finally {
        await ro.stop();
      }
      assert.deepEqual((await dumpPostgres(db.url)).tables, []);
    } finally {
      await db.drop();
    }
  });

  test("an empty folder: the server says so and PGlite does not initialise it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lamin-untrusted-"));
    try {
      const ro = await LspClient.start({
        database: { kind: "embedded", dir },
        user: { handle: "stranger" },
        trusted: false,
        sessionId: "ro-folder",
      });
      try {
        await assert.rejects(ro.ready(), /no embedded database in .* untrusted workspace creates none/s);
      } finally {
        await ro.stop();
      }
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
