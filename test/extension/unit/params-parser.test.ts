import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParameters } from "../../../extension/tracking/params-parser";

describe("parseParameters (papermill parameters cell)", () => {
  it("parses numbers, strings, booleans", () => {
    const src = [
      "# Parameters",
      "alpha = 0.1",
      "n_epochs = 10",
      "neg = -3",
      "big = 1_000_000",
      "sci = 1e-3",
      "hex = 0x1F",
      'name = "pbmc3k"',
      "path = '/data/x.h5ad'",
      "flag = True",
      "off = False",
    ].join("\n");
    assert.deepEqual(parseParameters(src), {
      alpha: 0.1,
      n_epochs: 10,
      neg: -3,
      big: 1000000,
      sci: 0.001,
      hex: 31,
      name: "pbmc3k",
      path: "/data/x.h5ad",
      flag: true,
      off: false,
    });
  });

  it("parses lists, tuples, dicts and sets, also across lines", () => {
    const src = `genes = ["CD3E", 'CD19',
         "MS4A1"]
shape = (3, 4)
single = (1,)
paren = (5)
cfg = {"lr": 0.01, "layers": [64, 32], "nested": {"a": None, "b": True}, 1: "one"}
tags = {"a", "b"}
`;
    assert.deepEqual(parseParameters(src), {
      genes: ["CD3E", "CD19", "MS4A1"],
      shape: [3, 4],
      single: [1],
      paren: 5,
      cfg: { lr: 0.01, layers: [64, 32], nested: { a: null, b: true }, "1": "one" },
      tags: ["a", "b"],
    });
  });

  it("drops None and empty lists, as ln.track() does", () => {
    assert.deepEqual(parseParameters("a = None\nb = []\nc = {}\nd = 0"), { c: {}, d: 0 });
  });

  it("handles comments, annotations, semicolons, escapes and raw strings", () => {
    const src = [
      "x: int = 5  # the count",
      "y = 1; z = 'two'",
      's = "tab\\there \\u00e9"',
      "r = r'C:\\new'",
      'cat = "a" "b"',
      "tq = '''multi",
      "line'''",
      "trailing = [1, 2,]",
    ].join("\n");
    assert.deepEqual(parseParameters(src), {
      x: 5,
      y: 1,
      z: "two",
      s: "tab\there é",
      r: "C:\\new",
      cat: "ab",
      tq: "multi\nline",
      trailing: [1, 2],
    });
  });

  it("skips expressions, calls, names and f-strings instead of guessing", () => {
    const src = [
      "a = 1 + 2",
      "b = os.environ['X']",
      "c = other",
      'd = f"{a}"',
      "e = b'bytes'",
      "f = float('inf')",
      "g == 3",
      "h = i = 4",
      "import numpy as np",
      "print('hello')",
      "ok = 'yes'",
    ].join("\n");
    assert.deepEqual(parseParameters(src), { ok: "yes" });
  });

  it("survives broken code: good lines still parse", () => {
    assert.deepEqual(parseParameters("a = 'unterminated\nb = 2\nc = [1, 2"), { b: 2 });
  });

  it("later assignments win; an empty cell gives {}", () => {
    assert.deepEqual(parseParameters("a = 1\na = 2"), { a: 2 });
    assert.deepEqual(parseParameters(""), {});
    assert.deepEqual(parseParameters("# only a comment\n"), {});
  });
});
