// "Did you mean" warnings and their quick fix in JavaScript/TypeScript: a .ts document and a
// JavaScript cell of a notebook (LSP 3.17 notebook sync), against the real server on both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic, LspClient, Position } from "./lsp-client";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";

let n = 0;
const unique = () => `${process.pid}-${n++}`;

/** The position of the `nth` occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not in the text`);
  const lines = text.slice(0, i).split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** Applies the quick fix offered first for `diagnostic` and returns the fixed text. */
async function applyFirstFix(client: LspClient, uri: string, text: string, diagnostic: Diagnostic) {
  const actions = await client.codeActions(uri, [diagnostic]);
  assert.ok(actions.length > 0, "a quick fix is offered");
  const doc = TextDocument.create(uri, "typescript", 1, text);
  return { title: actions[0].title, text: TextDocument.applyEdits(doc, actions[0].edit.changes[uri]) };
}

for (const kind of KINDS) {
  describe(`JavaScript/TypeScript diagnostics [${kind}]`, () => {
    let f: ServerFixture;
    before(async () => {
      f = await startServer(kind);
      await evaluateOk(
        f.client,
        `for (const name of ["CD8", "CD4", "Unknown", "Gone"]) await new ln.ULabel({ name }).save();
         const t = await new ln.Transform({ key: "analysis.ipynb", kind: "notebook", source_code: "x" }).save();
         await new ln.Run(t, { name: "first", status: "started" }).save();`,
      );
    });
    after(async () => f?.close());

    test("a .ts document: get() of an unknown value warns with did-you-mean; the quick fix replaces it", async () => {
      const uri = `file:///work/query${unique()}.ts`;
      const text = [
        'const missing = await ln.ULabel.get({ name: "Unknwn" });',
        'const known = await ln.ULabel.get({ name: "CD8" });',
        'const empty = await ln.ULabel.filter({ name: "Unknwn" });',
        'const related = await ln.Run.get({ transform__key: "nowhere.ipynb" });',
        'const prefix = await ln.ULabel.get({ name__startswith: "Unknwn" });',
        "const built = await ln.ULabel.get({ name: `Unk${'nwn'}` });",
        'const other = await somethingElse.get({ name: "Unknwn" });',
        'const quotedKey = await ln.ULabel.get({ "name": `Unknwn` });',
      ].join("\n");
      f.client.openText(uri, text, "typescript");
      const diags = await f.client.diagnosticsFor(uri);
      // the get() with a plain string and the one with a quoted key and a template without
      // substitutions; not the existing value, filter(), lookups, relation paths, substitutions
      assert.deepEqual(
        diags.map((d) => d.range.start),
        [positionOf(text, "Unknwn"), positionOf(text, "Unknwn`")],
      );
      for (const d of diags) {
        assert.equal(d.code, "lamin.unknownValue");
        assert.equal(d.source, "lamindb");
        assert.match(d.message, /^No ULabel with name "Unknwn"\. Did you mean "Unknown"/);
        const data = d.data as { registry: string; field: string; value: string; suggestions: string[] };
        assert.equal(data.registry, "ULabel");
        assert.equal(data.field, "name");
        assert.equal(data.value, "Unknwn");
        assert.equal(data.suggestions[0], "Unknown");
        assert.equal(d.range.end.character - d.range.start.character, "Unknwn".length);
      }

      const fix = await applyFirstFix(f.client, uri, text, diags[0]);
      assert.equal(fix.title, 'Replace with "Unknown"');
      assert.equal(
        fix.text.split("\n")[0],
        'const missing = await ln.ULabel.get({ name: "Unknown" });',
        "only the string's content is replaced",
      );
      assert.equal(fix.text.split("\n").slice(1).join("\n"), text.split("\n").slice(1).join("\n"));

      // once the document holds the fix, that warning is gone and the other stays
      f.client.changeText(uri, fix.text, 2);
      const after = await f.client.diagnosticsFor(uri, (d) => d.length === 1);
      assert.equal(after[0].range.start.line, 7);
    });

    test("a document without warnings gets one when its value is deleted (data change)", async () => {
      const uri = `file:///work/gone${unique()}.js`;
      f.client.openText(uri, 'const gone = await ln.ULabel.get({ name: "Gone" });', "javascript");
      // a document opened after it, with a warning: once that is published, the first one was checked
      const marker = `file:///work/marker${unique()}.js`;
      f.client.openText(marker, 'await ln.ULabel.get({ name: "Unknwn" });', "javascript");
      await f.client.diagnosticsFor(marker);
      await evaluateOk(f.client, 'await ln.ULabel.filter({ name: "Gone" }).delete()');
      const diags = await f.client.diagnosticsFor(uri);
      assert.equal(diags.length, 1);
      assert.match(diags[0].message, /^No ULabel with name "Gone"\./);
    });

    test("a JavaScript cell of a notebook (notebook sync), with a binding from an earlier cell", async () => {
      const labelCell = [
        'const fine = await Labels.get({ name: "CD4" });',
        'const none = await Labels.filter({ name: "CD9" });',
        'const missing = await Labels.get({ name: "CD9" });',
      ].join("\n");
      const cells = f.client.openNotebook(`file:///work/queries${unique()}.ipynb`, [
        { languageId: "javascript", text: "const Labels = ln.ULabel;" },
        "Labels = ln.Run", // Python: its bindings are not the JavaScript cells' ones
        { languageId: "javascript", text: labelCell },
      ]);
      const diags = await f.client.diagnosticsFor(cells[2]);
      assert.equal(diags.length, 1, "only the get() of a missing value; not filter(), not the known value");
      assert.deepEqual(diags[0].range.start, positionOf(labelCell, "CD9", 1));
      assert.match(diags[0].message, /^No ULabel with name "CD9"\. Did you mean "CD\d"/);
      const { suggestions } = diags[0].data as { suggestions: string[] };
      assert.match(suggestions[0], /^CD[48]$/);
      const fix = await applyFirstFix(f.client, cells[2], labelCell, diags[0]);
      assert.equal(fix.text, labelCell.replace('get({ name: "CD9" })', `get({ name: "${suggestions[0]}" })`));
    });
  });
}
