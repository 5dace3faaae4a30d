// Completion contexts, hover, diagnostics and quick fixes, query cell evaluation and freshness,
// against the real server bundle on both databases.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import knexFactory from "knex";
import { at, registryChanged, type LspClient } from "./lsp-client";
import { evaluateOk, startServer, KINDS, type ServerFixture } from "./fixtures";

let n = 0;
const unique = () => `${process.pid}-${n++}`;

/** Completion labels at `|` of `template`, in a .py file or in the last cell of a notebook. */
async function labels(
  client: LspClient,
  where: "py" | "cell",
  template: string,
  earlier: string[] = [],
): Promise<Array<{ label: string; detail?: string }>> {
  const { text, position } = at(template);
  if (where === "py") {
    const uri = `file:///work/t${unique()}.py`;
    client.openText(uri, [...earlier, text].join("\n"));
    return client.completion(uri, { line: position.line + earlier.length, character: position.character });
  }
  const cells = client.openNotebook(`file:///work/nb${unique()}.ipynb`, [...earlier, text]);
  return client.completion(cells[cells.length - 1], position);
}

for (const kind of KINDS) {
  describe(`language server [${kind}]`, () => {
    let f: ServerFixture;
    before(async () => {
      f = await startServer(kind);
      await evaluateOk(
        f.client,
        `for (const [name, description] of [["CD8", "T cell marker"], ["CD4", "helper"], ["CD19", "B cell"], ["ADGB-DT", "androglobin"], ["Unknown", null]]) {
           await new ln.ULabel({ name, description }).save();
         }
         const t = await new ln.Transform({ key: "analysis.ipynb", kind: "notebook", source_code: "x" }).save();
         await new ln.Run(t, { name: "first", status: "started" }).save();`,
      );
    });
    after(async () => f?.close());

    for (const where of ["cell", "py"] as const) {
      test(`ln. lists the registries (${where})`, async () => {
        const items = await labels(f.client, where, "import lamindb as ln\nln.|");
        for (const r of ["Run", "Transform", "ULabel", "Artifact"])
          assert.ok(
            items.some((i) => i.label === r),
            r,
          );
      });

      test(`filter( lists fields, lookups and relations (${where})`, async () => {
        const items = (await labels(f.client, where, "ln.Run.filter(|)")).map((i) => i.label);
        for (const l of ["name", "status", "name__startswith", "transform__key", "transform"])
          assert.ok(items.includes(l), l);
        const nested = (await labels(f.client, where, "ln.Run.filter(transform__k|)")).map((i) => i.label);
        assert.ok(nested.includes("transform__key"));
        const get = (await labels(f.client, where, "ln.ULabel.get(na|")).map((i) => i.label);
        assert.ok(get.includes("name"));
      });

      test(`values inside get(name="…") and filter(name__startswith="…") (${where})`, async () => {
        for (const template of [
          'ln.ULabel.get(name="CD|',
          'ln.ULabel.get(name="CD|")',
          'ln.ULabel.filter(name__startswith="cd|")',
        ]) {
          const items = await labels(f.client, where, template);
          assert.deepEqual(
            items
              .map((i) => i.label)
              .slice(0, 3)
              .sort(),
            ["CD19", "CD4", "CD8"],
            template,
          );
          assert.match(items.find((i) => i.label === "CD8")!.detail ?? "", /ULabel \w{8} · T cell marker/);
        }
        const fuzzy = await labels(f.client, where, 'ln.ULabel.get(name="DT|")');
        assert.equal(fuzzy[0]?.label, "ADGB-DT");
        const related = await labels(f.client, where, 'ln.Run.filter(transform__key="ana|")');
        assert.deepEqual(
          related.map((i) => i.label),
          ["analysis.ipynb"],
        );
        const status = await labels(f.client, where, 'ln.Run.filter(status="|")');
        assert.ok(status.some((i) => i.label === "completed"));
      });

      test(`to_dataframe(include=…) lists fields (${where})`, async () => {
        const items = (await labels(f.client, where, 'ln.Run.filter().to_dataframe(include="|")')).map(
          (i) => i.label,
        );
        assert.ok(items.includes("transform__key"));
      });

      test(`lookup() identifiers, directly and through a variable from an earlier cell (${where})`, async () => {
        const direct = (await labels(f.client, where, "ln.ULabel.lookup().|")).map((i) => i.label);
        assert.ok(direct.includes("adgb_dt") && direct.includes("cd8"));
        const viaVariable = await labels(f.client, where, "labels.ad|", [
          "import lamindb as ln",
          "labels = ln.ULabel.lookup()",
        ]);
        assert.deepEqual(
          viaVariable.map((i) => i.label),
          ["adgb_dt"],
        );
      });

      test(`.get("…") offers uid stubs with the record's name (${where})`, async () => {
        const items = await labels(f.client, where, 'ln.ULabel.get("|")');
        const cd8 = items.find((i) => i.detail === "CD8");
        assert.ok(cd8 && /^\w{8}$/.test(cd8.label));
      });

      test(`nothing outside LaminDB call sites (${where})`, async () => {
        for (const template of ['x = "ln.|"', "# ln.|", 'print("CD|")', "foo.|", 'other.get(name="CD|")']) {
          assert.deepEqual(await labels(f.client, where, template), [], template);
        }
      });
    }

    // node.child(i) walks the siblings from the first: a loop over the module's children was quadratic, and
    // 100,000 unclosed brackets blocked the server for 36 s per request (the timeout bounds a hang)
    test(
      "a line of 200,000 unclosed brackets: completion and hover answer, at its end and past it",
      { timeout: 60_000 },
      async () => {
        const brackets = "[".repeat(200_000);
        const uri = `file:///work/brackets${unique()}.py`;
        f.client.openText(uri, `import lamindb as ln\nln.ULabel.filter(${brackets}`);
        const end = { line: 1, character: "ln.ULabel.filter(".length + brackets.length };
        const past = { line: 1e9, character: 1e9 };
        for (const position of [end, past]) {
          assert.deepEqual(await f.client.completion(uri, position), []);
          assert.equal(await f.client.hover(uri, position), null);
        }
        // the same document, one field name on a line before the brackets, still completes
        const t = at(`import lamindb as ln\nln.ULabel.filter(na|)\nx = (${brackets}`);
        const fields = `file:///work/brackets${unique()}.py`;
        f.client.openText(fields, t.text);
        assert.ok((await f.client.completion(fields, t.position)).some((i) => i.label.startsWith("name")));
      },
    );

    test("JavaScript and TypeScript query cells complete registries, fields, values and lookups", async () => {
      const cell = async (template: string, languageId: string, earlier = "") => {
        const { text, position } = at(template);
        const uri = `vscode-notebook-cell:/work/q${unique()}.lamin#C1`;
        if (earlier) f.client.openText(uri.replace("#C1", "#C0"), earlier, languageId);
        f.client.openText(uri, text, languageId);
        return (await f.client.completion(uri, position)).map((i) => i.label);
      };
      assert.ok((await cell("await ln.|", "typescript")).includes("ULabel"));
      assert.ok((await cell("ln.Run.filter({ |", "javascript")).includes("transform__key"));
      assert.deepEqual((await cell('ln.ULabel.get({ name: "CD|" })', "typescript")).slice(0, 3).sort(), [
        "CD19",
        "CD4",
        "CD8",
      ]);
      assert.ok((await cell('ln.Run.filter({ status: "|', "javascript")).includes("completed"));
      const keys = await cell("labels.ad|", "typescript", "const labels = await ln.ULabel.lookup();");
      assert.deepEqual(keys, ["adgb_dt"]);
      assert.deepEqual(await cell('const s: string = "ln.|"', "typescript"), []);
    });

    test("hover on a value and on a uid shows the describe() summary", async () => {
      const { text, position } = at('ln.ULabel.get(name="CD|8")');
      const uri = `file:///work/h${unique()}.py`;
      f.client.openText(uri, text);
      const h = await f.client.hover(uri, position);
      assert.ok(h && h.contents.value.includes("ULabel") && h.contents.value.includes("CD8"));
      const nothing = await f.client.hover(uri, { line: 0, character: 2 });
      assert.equal(nothing, null);
    });

    test("hover on a lookup identifier, anywhere on it, shows the record it stands for", async () => {
      const cells = f.client.openNotebook(`file:///work/lk${unique()}.ipynb`, [
        "import lamindb as ln\nlabels = ln.ULabel.lookup()",
        "labels.adgb_dt\nlabels.no_such_key",
      ]);
      for (const character of [7, 10, 14]) {
        const h = await f.client.hover(cells[1], { line: 0, character });
        assert.ok(h, `a hover at character ${character}`);
        assert.match(h.contents.value, /ADGB-DT/);
        assert.deepEqual(h.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 14 } });
      }
      assert.equal(await f.client.hover(cells[1], { line: 1, character: 9 }), null, "an unknown key");
      assert.equal(await f.client.hover(cells[1], { line: 0, character: 3 }), null, "the variable itself");
    });

    test("an unknown value gets a did-you-mean warning and a quick fix", async () => {
      const cells = f.client.openNotebook(`file:///work/d${unique()}.ipynb`, [
        "import lamindb as ln",
        'label = ln.ULabel.get(name="Unknwn")',
      ]);
      const diags = await f.client.diagnosticsFor(cells[1]);
      assert.equal(diags.length, 1);
      assert.match(diags[0].message, /Did you mean "Unknown"/);
      const actions = await f.client.codeActions(cells[1], diags);
      assert.equal(actions[0].edit.changes[cells[1]][0].newText, "Unknown");
      // the suggestion ignores case, as LaminDB's search does: another case, another typo
      const lower = f.client.openNotebook(`file:///work/d${unique()}.ipynb`, [
        "import lamindb as ln",
        'label = ln.ULabel.get(name="UNKNWON")',
      ]);
      const [warning] = await f.client.diagnosticsFor(lower[1]);
      assert.match(warning?.message ?? "", /Did you mean "Unknown"/);
    });

    test("lamin/parseQuery reads the explorer line; a bad one is an error with its place, hostile params too", async () => {
      const ok = await f.client.request("lamin/parseQuery", {
        text: 'ULabel.filter(name="CD8").to_dataframe(limit=5)',
      });
      assert.deepEqual(ok, { ok: true, query: { registry: "ULabel", filter: { name: "CD8" }, limit: 5 } });
      const bad = await f.client.request("lamin/parseQuery", { text: "Run.filter(status=errored)" });
      assert.deepEqual(bad.ok ? undefined : [bad.error.start, bad.error.end], [18, 25]);
      // a request's params are checked before its handler runs: a wrong type is invalidParams naming the field
      await assert.rejects(
        f.client.request("lamin/parseQuery", { text: 42 as unknown as string }),
        (e: Error & { code?: number }) => {
          assert.equal(e.code, -32602);
          assert.match(e.message, /params\.text: expected string/);
          return true;
        },
      );
    });

    test("query cells: JavaScript and TypeScript, MIME bundles, typed errors", async () => {
      const frame = await evaluateOk(
        f.client,
        'const prefix: string = "CD";\nln.ULabel.filter({ name__startswith: prefix }).orderBy("name")',
        "typescript",
      );
      const items = frame.outputs.at(-1)!.items;
      assert.equal(items[0].mime, "application/vnd.lamindb.dataframe+json");
      assert.equal((items[0].data as { total: number }).total, 3);
      assert.ok(items.some((i) => i.mime === "text/plain"));
      const described = await evaluateOk(
        f.client,
        'console.log("hi");\nawait ln.ULabel.get({ name: "CD8" })',
      );
      assert.equal(described.outputs[0].items[0].data, "hi\n");
      assert.equal(described.outputs[1].items[0].mime, "application/vnd.lamindb.describe+json");
      const failed = await f.client.request("lamin/evaluate", {
        code: 'await ln.ULabel.get({ name: "nope" })',
        language: "javascript",
      });
      assert.equal(failed.error?.name, "DoesNotExist");
    });

    test("the server's own writes show up in completions at once", async () => {
      await evaluateOk(f.client, 'await new ln.ULabel({ name: "CD3E" }).save()');
      const items = await labels(f.client, "py", 'ln.ULabel.get(name="CD3|")');
      assert.ok(items.some((i) => i.label === "CD3E"));
    });

    test("a keystroke extending a complete answer is answered from it, as the statement would", async () => {
      const ask = async (p: string) =>
        (await labels(f.client, "py", `ln.ULabel.get(name="${p}|")`)).map((i) => i.label);
      assert.ok((await ask("CD")).includes("CD19")); // every CD value: complete, cached
      assert.deepEqual(await ask("CD1"), ["CD19"]);
      assert.deepEqual(await ask("cd8"), ["CD8"]); // case-insensitive, as lower(name) LIKE
      assert.deepEqual(await ask("DG"), ["ADGB-DT"]); // the contains half: complete, cached
      assert.deepEqual(await ask("DGB-"), ["ADGB-DT"]); // its contains match, from the cache
      assert.deepEqual(await ask("DGBX"), []);
    });

    test("values a cached answer lists, or a complete one lacks, are checked against it case-sensitively", async () => {
      // "ADG" answers completely: its values' existence is then known without a statement
      assert.deepEqual(
        (await labels(f.client, "py", 'ln.ULabel.get(name="ADG|")')).map((i) => i.label),
        ["ADGB-DT"],
      );
      const uri = `file:///work/e${unique()}.py`;
      f.client.openText(
        uri,
        'import lamindb as ln\nln.ULabel.get(name="adgb-dt")\nln.ULabel.get(name="ADGB-DT")\nln.ULabel.get(name="ADGB-DTX")',
      );
      const warned = (await f.client.diagnosticsFor(uri)).map((d) => d.range.start.line).sort();
      assert.deepEqual(warned, [1, 3]); // get() compares case-sensitively, as LaminDB does
    });

    test("a cached complete answer is dropped when the server writes a row that extends it", async () => {
      const ask = async (p: string) =>
        (await labels(f.client, "py", `ln.ULabel.get(name="${p}|")`)).map((i) => i.label);
      assert.deepEqual(await ask("HOX"), []); // complete and empty: would answer HOXA from the cache
      await evaluateOk(f.client, 'await new ln.ULabel({ name: "HOXA9" }).save()');
      assert.deepEqual(await ask("HOXA"), ["HOXA9"]);
    });

    // postgres: LISTEN/NOTIFY; pgbouncer: only the pooled URL, so the change-counter poll; the other
    // connection writes as another user would, on the same URL
    if (kind !== "pglite") {
      test("a row inserted by another connection completes once the change feed announced it", async () => {
        // "FOX" answers completely (no value has it): cached, it would answer "FOXP" without a statement
        assert.equal((await labels(f.client, "py", 'ln.ULabel.get(name="FOX|")')).length, 0);
        const before = await labels(f.client, "py", 'ln.ULabel.get(name="FOXP|")');
        assert.equal(before.length, 0);
        const other = knexFactory({ client: "pg", connection: f.url!, pool: { min: 0, max: 1 } });
        try {
          const seen = f.client.notifications.length;
          await other("lamindb_ulabel").insert({ uid: "FoXp3aaa", name: "FOXP3", created_by_id: 1 });
          // the server drops its cached ULabel values before it sends registryChanged; without the feed
          // neither happens (the hang guard ends that run)
          await registryChanged(f.client, seen, "ULabel", 15 * 60_000);
          // requests are answered in order: the completion asked after the notification is fresh
          const items = await labels(f.client, "py", 'ln.ULabel.get(name="FOXP|")');
          assert.ok(
            items.some((i) => i.label === "FOXP3"),
            "the other connection's row completes",
          );
        } finally {
          await other.destroy();
        }
      });

      test("a change of one registry checks again only the documents that look values up in it", async () => {
        const labelDoc = `file:///work/l${unique()}.py`;
        const runDoc = `file:///work/r${unique()}.py`;
        const renamed = `renamed-${unique()}`;
        const label = `ZETA-${unique()}`;
        f.client.openText(labelDoc, `import lamindb as ln\nln.ULabel.get(name="${label}")`);
        f.client.openText(runDoc, `import lamindb as ln\nln.Run.get(name="${renamed}")`);
        await f.client.diagnosticsFor(labelDoc);
        await f.client.diagnosticsFor(runDoc);
        const labelPublishes = f.client.publishes.get(labelDoc)!;
        const other = knexFactory({ client: "pg", connection: f.url!, pool: { min: 0, max: 1 } });
        try {
          // three Run changes, each seen on the Run document (its warning goes, comes back, goes)...
          for (const [from, to, warned] of [
            ["first", renamed, false],
            [renamed, "first", true],
            ["first", renamed, false],
          ] as const) {
            await other("lamindb_run").update({ name: to }).where({ name: from });
            await f.client.diagnosticsFor(runDoc, (d) => d.length > 0 === warned, 15 * 60_000);
          }
          // ...then a ULabel change clears the other. One document's runs are applied in order, so a
          // refresh of the ULabel document for each Run change would have been published before this one:
          // three more. One more than this change's is allowed: a refresh for an earlier test's change may
          // still have been pending when the documents opened.
          await other("lamindb_ulabel").insert({
            uid: `Zt${unique()}`.slice(0, 8).padEnd(8, "a"),
            name: label,
            created_by_id: 1,
          });
          await f.client.diagnosticsFor(labelDoc, (d) => d.length === 0, 15 * 60_000);
          assert.ok(f.client.publishes.get(labelDoc)! - labelPublishes <= 2, "checked again for ULabel only");
        } finally {
          await other("lamindb_run").update({ name: "first" }).where({ name: renamed });
          await other.destroy();
        }
      });
    }
  });
}

describe("language server with its database down", () => {
  let f: { client: LspClient; close(): Promise<void> } | undefined;
  before(async () => {
    const { LspClient } = await import("./lsp-client");
    const client = await LspClient.start({
      database: { kind: "postgres", name: "down", url: "postgresql://someone:secret@127.0.0.1:1/nowhere" },
      user: { handle: "tester" },
      trusted: true,
      sessionId: "down",
    });
    f = { client, close: () => client.stop() };
  });
  after(async () => f?.close());

  test("requests fail with a clear error, completions are empty, the server keeps answering", async () => {
    const client = f!.client;
    const status = await client.request("lamin/status", {});
    assert.equal(status.connected, false);
    await assert.rejects(
      client.request("lamin/runs", { offset: 0, limit: 10 }),
      (e: Error & { code?: number }) => {
        assert.equal(e.code, -32001);
        assert.match(e.message, /not connected|Cannot reach/);
        assert.doesNotMatch(e.message, /secret/);
        return true;
      },
    );
    const uri = "file:///work/down.py";
    const { text, position } = at('ln.ULabel.get(name="CD|")');
    client.openText(uri, text);
    assert.deepEqual(await client.completion(uri, position), []);
    // the server's log reaches the client as window/logMessage, with its level (1: error)
    const logged = client.notifications.filter((n) => n.method === "window/logMessage");
    const lines = logged.map((n) => n.params as { type: number; message: string });
    assert.ok(
      lines.some((l) => l.type === 1 && /Cannot open the database/.test(l.message)),
      JSON.stringify(lines),
    );
    const everything = client.stderr.join("") + JSON.stringify(lines);
    assert.ok(!everything.includes("secret"), "the password never reaches the log");
    assert.equal((await client.request("lamin/status", {})).kind, "postgres");
  });
});
