// Registry.connect("name") in query cells: a second real PostgreSQL database, named in
// initializationOptions.instances, holding other ULabels than the server's own database.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { connect } from "../../db/index";
import { createPostgresDatabase } from "../helpers/databases";
import { LAMIN_ERROR_CODES } from "../../server/protocol";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";
import { LspClient } from "./lsp-client";

type DataFrameJson = { total: number; columns: string[]; rows: unknown[][] };

/** The `name` column of the DataFrame a cell returned. */
function names(result: Awaited<ReturnType<typeof evaluateOk>>): string[] {
  const item = result.outputs.at(-1)!.items[0];
  assert.equal(item.mime, "application/vnd.lamindb.dataframe+json");
  const frame = item.data as unknown as DataFrameJson;
  const column = frame.columns.indexOf("name");
  return frame.rows.map((r) => String(r[column])).sort();
}

let other: { url: string; drop: () => Promise<void> };

before(async () => {
  other = await createPostgresDatabase();
  const instance = await connect({ url: other.url, setDefault: false });
  try {
    await instance.knex("lamindb_ulabel").insert([
      { uid: "oTher001", name: "Other-1", created_by_id: 1 },
      { uid: "oTher002", name: "Other-2", created_by_id: 1 },
      { uid: "oTher003", name: "Elsewhere", created_by_id: 1 },
      { uid: "oTher004", name: "Trash-me", created_by_id: 1 },
    ]);
  } finally {
    await instance.close();
  }
});
after(async () => other?.drop());

/** branch_id of a ULabel of the other database, read beside the server. */
async function branchOf(name: string): Promise<number> {
  const instance = await connect({ url: other.url, setDefault: false });
  try {
    const row = await instance.knex("lamindb_ulabel").where({ name }).first("branch_id");
    return Number(row.branch_id);
  } finally {
    await instance.close();
  }
}

for (const kind of KINDS) {
  describe(`Registry.connect() in query cells [${kind}]`, () => {
    let f: ServerFixture;
    before(async () => {
      f = await startServer(kind, {
        instances: {
          "acme/other": other.url,
          "acme/second": other.url,
          "acme/down": "postgresql://someone:secret@127.0.0.1:1/nowhere",
        },
      });
      await evaluateOk(f.client, 'await new ln.ULabel({ name: "Other-local" }).save()');
    });
    after(async () => f?.close());

    test("a connected query set returns the other database's rows", async () => {
      const frame = await evaluateOk(
        f.client,
        'await ln.ULabel.connect("acme/other").filter({ name__startswith: "Other" }).toDataFrame()',
      );
      assert.deepEqual(names(frame), ["Other-1", "Other-2"]);
      // a QuerySet as the cell's value (not awaited) is tabulated from the same instance
      const typed = await evaluateOk(
        f.client,
        'const qs = ln.ULabel.connect("acme/other");\nqs.filter({ name: "Elsewhere" })',
        "typescript",
      );
      assert.deepEqual(names(typed), ["Elsewhere"]);
      // the server's own database is the default, untouched by connect()
      const local = await evaluateOk(
        f.client,
        'await ln.ULabel.filter({ name__startswith: "Other" }).toDataFrame()',
      );
      assert.deepEqual(names(local), ["Other-local"]);
    });

    test("an unknown instance name is a clear InvalidArgument listing the known names", async () => {
      const r = await f.client.request("lamin/evaluate", {
        code: 'await ln.ULabel.connect("acme/nope").filter({ name: "Other-1" }).toDataFrame()',
        language: "javascript",
      });
      assert.equal(r.error?.name, "InvalidArgument");
      assert.match(
        r.error?.message ?? "",
        /Unknown instance 'acme\/nope'\. Known instances: acme\/down, acme\/other, acme\/second\./,
      );
    });

    test("an instance that cannot be reached is a clear error without its password; the server goes on", async () => {
      const r = await f.client.request("lamin/evaluate", {
        code: 'await ln.ULabel.connect("acme/down").filter({ name: "Other-1" }).toDataFrame()',
        language: "javascript",
      });
      assert.equal(r.error?.name, "ConnectionError");
      assert.match(r.error?.message ?? "", /127\.0\.0\.1:1/);
      assert.doesNotMatch(JSON.stringify(r.error), /secret/);
      assert.equal((await f.client.request("lamin/status", {})).connected, true);
      const again = await evaluateOk(
        f.client,
        'await ln.ULabel.connect("acme/other").filter({ name: "Other-1" })',
      );
      assert.equal(again.outputs.length, 1);
    });
  });
}

describe("Registry.connect() in an untrusted workspace", () => {
  let f: ServerFixture;
  let untrusted: LspClient;
  before(async () => {
    // an untrusted workspace sets up no database: a trusted server makes it first
    f = await startServer("postgres", { instances: { "acme/other": other.url } });
    await f.client.stop();
    untrusted = await LspClient.start({ ...f.options, trusted: false });
    await untrusted.ready();
  });
  after(async () => {
    await untrusted?.stop();
    await f?.close();
  });

  test("a write through a connected instance is refused and changes nothing there", async () => {
    const before = await branchOf("Other-2");
    await assert.rejects(
      untrusted.request("lamin/evaluate", {
        code: 'await ln.ULabel.connect("acme/other").filter({ name: "Other-2" }).delete()',
        language: "javascript",
      }),
      (e: { code?: number }) => e.code === LAMIN_ERROR_CODES.writeRefused,
    );
    assert.equal(await branchOf("Other-2"), before, "the record was not moved to the trash");
  });
});

describe("Registry.connect() writes in a trusted workspace", () => {
  let f: ServerFixture;
  before(async () => {
    f = await startServer("postgres", { instances: { "acme/other": other.url } });
  });
  after(async () => f?.close());

  test("delete() through a connected instance trashes the record in that database", async () => {
    const code = 'await ln.ULabel.connect("acme/other").filter({ name: "Trash-me" }).delete()';
    const r = await evaluateOk(f.client, code);
    assert.equal(r.outputs.at(-1)!.items[0].data, 1);
    assert.notEqual(await branchOf("Trash-me"), 1, "moved out of the main branch");
  });
});
