// The parameters cell read with the server's Python grammar (server/python/parameters.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParameters } from "../../server/python/parameters";

describe("parseParameters (papermill parameters cell)", () => {
  it("parses numbers, strings, booleans", async () => {
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
    assert.deepEqual(await parseParameters(src), {
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

  it("parses lists, tuples, dicts and sets, also across lines", async () => {
    const src = `genes = ["CD3E", 'CD19',
         "MS4A1"]
shape = (3, 4)
single = (1,)
paren = (5)
cfg = {"lr": 0.01, "layers": [64, 32], "nested": {"a": None, "b": True}, 1: "one"}
tags = {"a", "b"}
`;
    assert.deepEqual(await parseParameters(src), {
      genes: ["CD3E", "CD19", "MS4A1"],
      shape: [3, 4],
      single: [1],
      paren: 5,
      cfg: { lr: 0.01, layers: [64, 32], nested: { a: null, b: true }, "1": "one" },
      tags: ["a", "b"],
    });
  });

  it("drops None and empty lists, as ln.track() does", async () => {
    assert.deepEqual(await parseParameters("a = None\nb = []\nc = {}\nd = 0"), { c: {}, d: 0 });
  });

  it("handles comments, annotations, semicolons, escapes and raw strings", async () => {
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
    assert.deepEqual(await parseParameters(src), {
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

  it("skips expressions, calls, names and f-strings instead of guessing", async () => {
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
    assert.deepEqual(await parseParameters(src), { ok: "yes" });
  });

  it("survives broken code: good lines still parse", async () => {
    assert.deepEqual(await parseParameters("a = 'unterminated\nb = 2\nc = [1, 2"), { b: 2 });
  });

  it("escapes as Python reads them; what Python would not make a JSON value is skipped", async () => {
    const src = [
      String.raw`cafe = "caf\u00e9"`,
      String.raw`hexoct = "\x41\101\N{BULLET}\q"`,
      String.raw`cont = "a\
b"`,
      "z = 1j",
      "inf = 1e999",
      "spread = {**other}",
      "nested = [1, (2, [3])]",
    ].join("\n");
    assert.deepEqual(await parseParameters(src), {
      cafe: "café",
      hexoct: "AA\u2022\\q",
      cont: "ab",
      nested: [1, [2, [3]]],
    });
  });

  it("hostile input: long, deep or binary cells give a value or nothing, never a crash", async () => {
    assert.deepEqual(await parseParameters(`x = "${"a".repeat(100_000)}"`), { x: "a".repeat(100_000) });
    assert.deepEqual(await parseParameters(`x = ${"[".repeat(5000)}`), {});
    assert.deepEqual(await parseParameters(`x = ${"[".repeat(5000)}${"]".repeat(5000)}`), {});
    assert.equal((await parseParameters("x = 1\u0000\ny = 2")).x, undefined);
  });

  it("later assignments win; an empty cell gives {}", async () => {
    assert.deepEqual(await parseParameters("a = 1\na = 2"), { a: 2 });
    assert.deepEqual(await parseParameters(""), {});
    assert.deepEqual(await parseParameters("# only a comment\n"), {});
  });
});
