// The renderer's pure parts in Node (no browser): table model, sort, filter, clipboard text,
// selection, JSON previews, the Table Schema conversion and the lineage layout.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as shapes from "../../db/shapes";
import type { LineageNode } from "../../db/shapes";
import { previewJson, prettyJson } from "../../renderer/format/json-preview";
import { formatNumber } from "../../renderer/format/number";
import { layoutLineage } from "../../renderer/lineage/layout";
import * as mime from "../../renderer/mime";
import { toDelimited } from "../../renderer/table/clipboard";
import { fromDataResource } from "../../renderer/table/dataresource";
import { RowFilter } from "../../renderer/table/filter";
import { appendFrame, fromDataFrame } from "../../renderer/table/model";
import { Selection } from "../../renderer/table/selection";
import { nextSort, sortRows } from "../../renderer/table/sort";
import { pandasResource, runsFrame } from "./fixtures";

describe("renderer model", () => {
  test("MIME types match db/shapes", () => {
    assert.equal(mime.DESCRIBE_MIME, shapes.DESCRIBE_MIME);
    assert.equal(mime.DATAFRAME_MIME, shapes.DATAFRAME_MIME);
    assert.equal(mime.DATARESOURCE_MIME, shapes.DATARESOURCE_MIME);
  });

  test("sort: stable, nulls last both ways, numbers numeric, strings natural", () => {
    const model = fromDataFrame({
      ...runsFrame(0),
      columns: ["n", "s"],
      dtypes: { n: "float", s: "str" },
      index: { name: "id", values: [1, 2, 3, 4, 5] },
      rows: [
        [10, "run 10"],
        [null, "run 2"],
        [2, "Run 1"],
        [10, null],
        [-1, "run 2"],
      ],
      total: 5,
    });
    assert.deepEqual(sortRows(model, { column: 0, direction: "asc" }), [4, 2, 0, 3, 1]);
    assert.deepEqual(sortRows(model, { column: 0, direction: "desc" }), [0, 3, 2, 4, 1]);
    assert.deepEqual(sortRows(model, { column: 1, direction: "asc" }), [2, 1, 4, 0, 3]);
    assert.deepEqual(sortRows(model, null), [0, 1, 2, 3, 4]);
    assert.deepEqual(nextSort(null, 1), { column: 1, direction: "asc" });
    assert.deepEqual(nextSort({ column: 1, direction: "asc" }, 1), { column: 1, direction: "desc" });
    assert.equal(nextSort({ column: 1, direction: "desc" }, 1), null);
    assert.deepEqual(nextSort({ column: 1, direction: "desc" }, 0), { column: 0, direction: "asc" });
  });

  test("filter: case-insensitive, across the index and displayed values", () => {
    const model = fromDataFrame(runsFrame(30));
    const filter = new RowFilter(model);
    const all = sortRows(model, null);
    assert.equal(filter.apply(all, "").length, 30);
    assert.deepEqual(filter.apply(all, "RUN 07"), [7]);
    assert.equal(filter.apply(all, "true").length, 15);
    assert.deepEqual(filter.apply(all, "uid0000000000029"), [29]);
  });

  test("clipboard text: TSV and CSV quoting, nulls empty, JSON compact", () => {
    const model = fromDataFrame({
      ...runsFrame(0),
      columns: ["a", "b"],
      dtypes: { a: "str", b: "json" },
      index: { name: "", values: [0] },
      rows: [['x,"y"\tz\nw', { k: [1, null] }]],
      total: 1,
    });
    assert.equal(toDelimited(model, [0], "tsv"), 'index\ta\tb\n0\t"x,""y""\tz\nw"\t{"k":[1,null]}');
    assert.equal(toDelimited(model, [0], "csv"), 'index,a,b\r\n0,"x,""y""\tz\nw","{""k"":[1,null]}"');
  });

  test("selection: click, ctrl-click, shift range, keyboard moves", () => {
    const view = [5, 3, 1, 0, 2, 4];
    const s = new Selection();
    s.click(view, 3, { shift: false, toggle: false });
    s.click(view, 2, { shift: true, toggle: false });
    assert.deepEqual(s.inView(view), [3, 1, 0, 2]);
    s.click(view, 0, { shift: false, toggle: true });
    assert.deepEqual(s.inView(view), [3, 1, 2]);
    assert.equal(s.move(view, 1, false), 4);
    assert.deepEqual(s.inView(view), [2]);
    s.move(view, -2, true);
    assert.deepEqual(s.inView(view), [1, 0, 2]);
    s.move(view, 100, false);
    assert.deepEqual(s.inView(view), [4]);
  });

  test("load more: appended pages match columns by name", () => {
    const model = fromDataFrame(runsFrame(3, 5, { token: "a", offset: 3 }));
    const page = runsFrame(5, 5);
    page.columns = [...page.columns].reverse();
    page.rows = page.rows.slice(3).map((r) => [...r].reverse());
    page.index.values = page.index.values.slice(3);
    assert.equal(appendFrame(model, page), 2);
    assert.equal(model.rows.length, 5);
    assert.equal(model.rows[4]?.[0], "uid0000000000004");
    assert.deepEqual(model.index.values, [1, 2, 3, 4, 5]);
    assert.equal(model.truncated, false);
    assert.equal(model.next, null);
  });

  test("totalExact: a lower bound kept and updated by load more; frames without it are exact", () => {
    const model = fromDataFrame(runsFrame(3, 3, { token: "a", offset: 3 }, false));
    assert.deepEqual([model.total, model.totalExact, model.truncated], [3, false, true]);
    const page = runsFrame(5, 5);
    page.rows = page.rows.slice(3);
    page.index.values = page.index.values.slice(3);
    appendFrame(model, page);
    assert.deepEqual([model.total, model.totalExact, model.truncated], [5, true, false]);
    const { totalExact: _omitted, ...older } = runsFrame(2, 4);
    assert.equal(fromDataFrame(older as shapes.DataFrame).totalExact, true, "an older server's frame");
  });

  test("dataresource: pandas fields, primary key as index, MultiIndex joined", () => {
    const model = fromDataResource(pandasResource());
    assert.deepEqual(
      model.columns.map((c) => `${c.name}:${c.dtype}`),
      ["gene:str", "mean:float", "highly_variable:bool", "measured:datetime", "meta:str"],
    );
    assert.deepEqual(model.index, { name: "", dtype: "int", values: [0, 1, 2] });
    const multi = fromDataResource({
      schema: {
        fields: [
          { name: "a", type: "string" },
          { name: "b", type: "integer" },
          { name: "v", type: "any" },
        ],
        primaryKey: ["a", "b"],
      },
      data: [{ a: "x", b: 1, v: { deep: true } }],
    });
    assert.equal(multi.index.name, "a, b");
    assert.deepEqual(multi.index.values, ["x · 1"]);
    assert.equal(multi.columns[0]?.dtype, "json");
  });

  test("JSON previews stay bounded for huge values; numbers like pandas", () => {
    // every value is a getter that counts its reads: a bounded preview reads a handful, not 100,000
    const huge: Record<string, number[]> = {};
    let reads = 0;
    for (let i = 0; i < 100_000; i++) {
      Object.defineProperty(huge, `k${i}`, {
        enumerable: true,
        get: () => {
          reads++;
          return [i, i, i];
        },
      });
    }
    const preview = previewJson(huge, 80);
    assert.ok(reads < 20, `a preview does not walk the whole object (${reads} values read)`);
    assert.equal(preview.length, 80);
    assert.ok(preview.endsWith("…"));
    assert.equal(prettyJson(huge, 1000).cut, true);
    assert.equal(formatNumber(1.234567891, "float"), "1.234568");
    assert.equal(formatNumber(12, "float"), "12");
    assert.equal(formatNumber(0.00001234, "float"), "1.2340e-5");
  });

  test("lineage layout: left to right, duplicates merged, cycles and dangling edges survive", () => {
    const node = (registry: string, id: number, role: LineageNode["role"]): LineageNode => ({
      registry,
      id,
      uid: `${registry}${id}`,
      label: `${registry.toLowerCase()} ${id}`,
      role,
    });
    const layout = layoutLineage(
      [
        node("Artifact", 1, "input"),
        node("Run", 9, "self"),
        node("Artifact", 2, "output"),
        node("Artifact", 1, "input"),
      ],
      [
        { from: "Artifact:1", to: "Run:9" },
        { from: "Run:9", to: "Artifact:2" },
        { from: "Artifact:2", to: "Artifact:1", label: "recreated" }, // a cycle
        { from: "Run:9", to: "Artifact:404" }, // points nowhere
      ],
    );
    assert.equal(layout.nodes.length, 3);
    assert.equal(layout.edges.length, 3);
    const x = (key: string) => layout.nodes.find((n) => n.key === key)?.x ?? NaN;
    assert.ok(x("Artifact:1") < x("Run:9") && x("Run:9") < x("Artifact:2"));
    assert.ok(layout.edges.every((e) => e.points.length >= 2));
    assert.equal(layout.edges.find((e) => e.label === "recreated")?.from, "Artifact:2");
    assert.ok(layout.width > 0 && layout.height > 0);
  });
});
