// Diagnostics, hover and completion do bounded work, asserted by the statements the server sent
// (lamin/status `statements.bounded`), not by time: a search term longer than 200 characters is never
// searched, all of a document's get() values are checked by one statement, and "did you mean" searches
// only inside the ranges the client shows (lamin/visibleRanges). In each configuration (PGlite's
// statements are counted by the same guard: the server reaches its folder through a socket, with the driver).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { at, LspClient, type Diagnostic } from "./lsp-client";
import { evaluateOk, KINDS, startServer, type ServerFixture } from "./fixtures";

const SEED = "abcdefghijklmnopqrstuvwxyz0123456789";
const PUNCTUATION = "!#$%&()*+,-./:;<=>?@[]^_`{|}~";

for (const kind of KINDS) {
  describe(`bounded work for diagnostics, hover and completion [${kind}]`, () => {
    let seeding: ServerFixture;
    let client: LspClient;
    const bounded = async () => (await client.request("lamin/status", {})).statements!.bounded;
    const visible = (uri: string, lines: Array<[number, number]>) =>
      void client.connection.sendNotification("lamin/visibleRanges", {
        uri,
        ranges: lines.map(([a, b]) => ({ start: { line: a, character: 0 }, end: { line: b, character: 0 } })),
      });

    before(async () => {
      seeding = await startServer(kind);
      await evaluateOk(seeding.client, `await new ln.ULabel({ name: "${SEED}" }).save()`);
      await seeding.client.stop();
      // a server that has evaluated nothing: no cache invalidation pending while the tests count
      client = await LspClient.start(seeding.options);
      await client.ready();
    });
    after(async () => {
      await client?.stop();
      await seeding.close();
    });

    test("a 60 kB file with three get() calls of 20,000 punctuation characters: one existence statement, no search", async () => {
      const long = (i: number) =>
        `${i}${PUNCTUATION.repeat(Math.ceil(20_000 / PUNCTUATION.length))}`.slice(0, 20_000);
      const text = `import lamindb as ln\n${[0, 1, 2].map((i) => `ln.ULabel.get(name="${long(i)}")`).join("\n")}\n`;
      assert.ok(text.length > 60_000);
      const uri = "file:///w/punctuation.py";
      visible(uri, [[0, 10]]); // all of it is in view: did-you-mean would run if the terms were not capped
      const start = await bounded();
      client.openText(uri, text);
      const d = await client.diagnosticsFor(uri, (x) => x.length === 3, 60_000);
      assert.equal((await bounded()) - start, 1, "one existence check for the three values, nothing else");
      for (const x of d) assert.deepEqual((x.data as { suggestions: string[] }).suggestions, []);
      assert.ok(
        d.every((x) => x.message.length < 200),
        "the message quotes a shortened value",
      );

      // completion inside such a string sends nothing to the database
      const c = at(`import lamindb as ln\nln.ULabel.get(name="${long(7)}|`);
      client.openText("file:///w/punctuation-completion.py", c.text);
      const before = await bounded();
      assert.deepEqual(await client.completion("file:///w/punctuation-completion.py", c.position), []);
      assert.equal((await bounded()) - before, 0);
    });

    test("500 unknown get() values: one existence check for all, did-you-mean only in the visible range", async () => {
      const values: string[] = [];
      for (let i = 0; i < SEED.length && values.length < 500; i++)
        for (let j = i + 3; j < SEED.length && values.length < 500; j++) values.push(SEED.slice(i, j));
      assert.equal(values.length, 500);
      const text = `import lamindb as ln\n${values.map((v) => `ln.ULabel.get(name="${v}")`).join("\n")}\n`;
      const uri = "file:///w/five-hundred.py";
      visible(uri, []); // nothing shown yet
      const start = await bounded();
      client.openText(uri, text);
      const d = await client.diagnosticsFor(uri, (x) => x.length === 500, 60_000);
      assert.equal((await bounded()) - start, 1, "one statement checks all 500 values");
      assert.ok(d.every((x) => (x.data as { suggestions: string[] }).suggestions.length === 0));

      // lines 1 to 3 come into view: suggestions for those three, from search(), and no existence check again
      const shown = await bounded();
      visible(uri, [[1, 4]]);
      const suggested = (x: Diagnostic[]) =>
        x.filter((y) => (y.data as { suggestions: string[] }).suggestions.length);
      const d2 = await client.diagnosticsFor(uri, (x) => x.length === 500 && suggested(x).length > 0, 60_000);
      assert.deepEqual(
        suggested(d2).map((x) => x.range.start.line),
        [1, 2, 3],
      );
      for (const x of suggested(d2))
        assert.deepEqual((x.data as { suggestions: string[] }).suggestions, [SEED]);
      const searches = (await bounded()) - shown;
      assert.ok(searches >= 3 && searches <= 3 * 3, `three searches, not 500 (${searches} statements)`);
    });
  });
}
