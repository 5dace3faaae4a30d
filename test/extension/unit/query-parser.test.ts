import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { asPythonDocument, parseQuery, type ParseResult } from "../../../extension/explorer/query-parser";

const ok = (r: ParseResult) => {
  if (!r.ok) throw new Error(`parse failed: ${r.error.message} at ${r.error.start}`);
  return r.query;
};
const err = (r: ParseResult) => {
  if (r.ok) throw new Error("expected an error");
  return r.error;
};

describe("explorer query parser", () => {
  test("the issue's example", () => {
    const q = ok(
      parseQuery(
        'Run.filter(status="errored", transform__key__startswith="analysis").to_dataframe(include="created_by__handle")',
      ),
    );
    assert.deepEqual(q, {
      registry: "Run",
      filter: { status: "errored", transform__key__startswith: "analysis" },
      include: "created_by__handle",
    });
  });

  test("ln. prefix, bare registry, chained filters, order_by, all, limit, features", () => {
    assert.deepEqual(ok(parseQuery("ln.Run")), { registry: "Run", filter: {} });
    assert.deepEqual(ok(parseQuery("  Transform.all()  ")), { registry: "Transform", filter: {} });
    const q = ok(
      parseQuery(
        "lamindb.Run.filter(status__in=['errored', 'aborted']).filter(id__gt=-3).order_by('-started_at')" +
          ".to_dataframe(include=['transform__key', 'created_by__handle'], features=True, limit=None)",
      ),
    );
    assert.deepEqual(q, {
      registry: "Run",
      filter: { status__in: ["errored", "aborted"], id__gt: -3 },
      orderBy: "-started_at",
      include: ["transform__key", "created_by__handle"],
      features: true,
      limit: null,
    });
    assert.equal(ok(parseQuery("Run.df(limit=5)")).limit, 5);
  });

  test("literals: escapes, floats, booleans, None, tuples, trailing commas", () => {
    const q = ok(parseQuery(`ULabel.filter(name="a \\"b\\" 'c'", x=1.5e2, y=False, z=None, t=(1, 2,),)`));
    assert.deepEqual(q.filter, { name: `a "b" 'c'`, x: 150, y: false, z: null, t: [1, 2] });
  });

  test("errors carry positions", () => {
    let e = err(parseQuery('Run.filter(status="errored"'));
    assert.match(e.message, /Expected "," or "\)" at the end/);
    assert.equal(e.start, 27);
    e = err(parseQuery('Run.filter(status="errored)'));
    assert.equal(e.message, "Unterminated string");
    assert.deepEqual([e.start, e.end], [18, 27]);
    e = err(parseQuery("Run.exclude(status='errored')"));
    assert.match(e.message, /exclude\(\) is not supported/);
    assert.deepEqual([e.start, e.end], [4, 11]);
    e = err(parseQuery("Run.filter(status=errored)"));
    assert.match(e.message, /Only literals/);
    assert.deepEqual([e.start, e.end], [18, 25]);
    e = err(parseQuery("Run.to_dataframe(inclde='x')"));
    assert.match(e.message, /no argument inclde/);
    e = err(parseQuery("Run.to_dataframe().filter(a=1)"));
    assert.match(e.message, /must come last/);
    e = err(parseQuery("Run.filter(a=1, a=2)"));
    assert.match(e.message, /a is given twice/);
    e = err(parseQuery("run.filter()"));
    assert.match(e.message, /registry name/);
    e = err(parseQuery(""));
    assert.match(e.message, /Expected a registry/);
    e = err(parseQuery("Run.filter(1)"));
    assert.match(e.message, /keyword arguments only/);
    e = err(parseQuery("Run.to_dataframe(limit=-1)"));
    assert.match(e.message, /non-negative/);
    e = err(parseQuery("Run.filter() x"));
    assert.deepEqual([e.start, e.end], [13, 14]);
    e = err(parseQuery("Run.filter(a=1) ; drop"));
    assert.match(e.message, /Unexpected character ";"/);
  });

  test("the line as a Python document for completions", () => {
    assert.deepEqual(asPythonDocument("Run.filter("), { text: "ln.Run.filter(", shift: 3 });
    assert.deepEqual(asPythonDocument("ln.Run.filter("), { text: "ln.Run.filter(", shift: 0 });
  });
});
