// The query kernel's JavaScript/TypeScript cells reach the server through LSP notebook sync (as Python
// cells do): the server asks for them in its notebookDocumentSync selector, completes inside them, reads
// bindings from earlier cells only, and follows cell edits. Both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { at, type LspClient } from "./lsp-client";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";

let n = 0;

interface Cell {
  text: string;
  languageId: "javascript" | "typescript" | "python";
}

function openNotebook(client: LspClient, cells: Cell[]): { uri: string; cells: string[] } {
  const uri = `file:///work/query-${process.pid}-${n++}.ipynb`;
  return { uri, cells: client.openNotebook(uri, cells) };
}

const labels = async (client: LspClient, uri: string, template: string) =>
  (await client.completion(uri, at(template).position)).map((i) => i.label);

for (const kind of KINDS) {
  describe(`notebook sync of query cells [${kind}]`, () => {
    let f: ServerFixture;
    before(async () => {
      f = await startServer(kind);
      await evaluateOk(
        f.client,
        `for (const name of ["T cell", "B cell", "ADGB-DT"]) await new ln.ULabel({ name }).save();
         await new ln.Project({ name: "Atlas" }).save();`,
      );
    });
    after(async () => f?.close());

    test("the server asks for JavaScript and TypeScript cells of notebooks", () => {
      const sync = f.client.capabilities.notebookDocumentSync as {
        notebookSelector: Array<{ notebook: string; cells: Array<{ language: string }> }>;
      };
      const languages = sync.notebookSelector.flatMap((s) => s.cells.map((c) => c.language));
      for (const l of ["python", "javascript", "typescript"]) assert.ok(languages.includes(l), l);
    });

    test('completes values in ln.ULabel.filter({ name: "| of a JavaScript and a TypeScript cell', async () => {
      const js = 'await ln.ULabel.filter({ name: "|';
      const ts = 'const found: unknown = await ln.ULabel.filter({ name: "|';
      const nb = openNotebook(f.client, [
        { text: at(js).text, languageId: "javascript" },
        { text: at(ts).text, languageId: "typescript" },
      ]);
      for (const [uri, template] of [
        [nb.cells[0], js],
        [nb.cells[1], ts],
      ]) {
        const items = await labels(f.client, uri, template);
        for (const l of ["T cell", "B cell", "ADGB-DT"])
          assert.ok(items.includes(l), `${l} in ${items.join(", ")}`);
      }
    });

    test("bindings come from earlier cells in notebook order, not later ones", async () => {
      const use = "labels.ad|";
      const define = "const labels = await ln.ULabel.lookup();";
      const defineFirst = openNotebook(f.client, [
        { text: define, languageId: "javascript" },
        { text: at(use).text, languageId: "javascript" },
      ]);
      assert.deepEqual(await labels(f.client, defineFirst.cells[1], use), ["adgb_dt"]);
      const defineLater = openNotebook(f.client, [
        { text: at(use).text, languageId: "javascript" },
        { text: define, languageId: "javascript" },
      ]);
      assert.deepEqual(await labels(f.client, defineLater.cells[0], use), []);
    });

    test("an edited cell is completed on its new text", async () => {
      const nb = openNotebook(f.client, [{ text: "const x = 1;", languageId: "javascript" }]);
      const template = 'await ln.Project.get({ name: "|';
      await f.client.connection.sendNotification("notebookDocument/didChange", {
        notebookDocument: { uri: nb.uri, version: 2 },
        change: {
          cells: {
            textContent: [
              { document: { uri: nb.cells[0], version: 2 }, changes: [{ text: at(template).text }] },
            ],
          },
        },
      });
      assert.deepEqual(await labels(f.client, nb.cells[0], template), ["Atlas"]);
    });
  });
}
