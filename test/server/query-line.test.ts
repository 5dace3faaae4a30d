// The runs explorer's query line, read with the server's Python grammar (server/python/query-line.ts).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ParseResult } from "../../server/protocol";
import { parseQuery } from "../../server/python/query-line";
import { parseParameters } from "../../server/python/parameters";

const ok = (r: ParseResult) => {
  if (!r.ok) throw new Error(`parse failed: ${r.error.message} at ${r.error.start}`);
  return r.query;
};
const err = (r: ParseResult) => {
  if (r.ok) throw new Error("expected an error");
  return r.error;
};

describe("explorer query parser", () => {
  test("the issue's example", async () => {
    const q = ok(
      await parseQuery(
        'Run.filter(status="errored", transform__key__startswith="analysis").to_dataframe(include="created_by__handle")',
      ),
    );
    assert.deepEqual(q, {
      registry: "Run",
      filter: { status: "errored", transform__key__startswith: "analysis" },
      include: "created_by__handle",
    });
  });

  test("ln. prefix, bare registry, chained filters, order_by, all, limit, features", async () => {
    assert.deepEqual(ok(await parseQuery("ln.Run")), { registry: "Run", filter: {} });
    assert.deepEqual(ok(await parseQuery("  Transform.all()  ")), { registry: "Transform", filter: {} });
    const q = ok(
      await parseQuery(
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
    assert.equal(ok(await parseQuery("Run.df(limit=5)")).limit, 5);
  });

  test("literals: escapes, floats, booleans, None, tuples, trailing commas", async () => {
    const q = ok(
      await parseQuery(`ULabel.filter(name="a \\"b\\" 'c'", x=1.5e2, y=False, z=None, t=(1, 2,),)`),
    );
    assert.deepEqual(q.filter, { name: `a "b" 'c'`, x: 150, y: false, z: null, t: [1, 2] });
  });

  test("errors carry positions", async () => {
    let e = err(await parseQuery('Run.filter(status="errored"'));
    assert.match(e.message, /Expected "," or "\)" at the end/);
    assert.equal(e.start, 27);
    e = err(await parseQuery('Run.filter(status="errored)'));
    assert.equal(e.message, "Unterminated string");
    assert.deepEqual([e.start, e.end], [18, 27]);
    e = err(await parseQuery("Run.exclude(status='errored')"));
    assert.match(e.message, /exclude\(\) is not supported/);
    assert.deepEqual([e.start, e.end], [4, 11]);
    e = err(await parseQuery("Run.filter(status=errored)"));
    assert.match(e.message, /Only literals/);
    assert.deepEqual([e.start, e.end], [18, 25]);
    e = err(await parseQuery("Run.to_dataframe(inclde='x')"));
    assert.match(e.message, /no argument inclde/);
    e = err(await parseQuery("Run.to_dataframe().filter(a=1)"));
    assert.match(e.message, /must come last/);
    e = err(await parseQuery("Run.filter(a=1, a=2)"));
    assert.match(e.message, /a is given twice/);
    e = err(await parseQuery("run.filter()"));
    assert.match(e.message, /registry name/);
    e = err(await parseQuery(""));
    assert.match(e.message, /Expected a registry/);
    e = err(await parseQuery("Run.filter(1)"));
    assert.match(e.message, /keyword arguments only/);
    e = err(await parseQuery("Run.to_dataframe(limit=-1)"));
    assert.match(e.message, /non-negative/);
    e = err(await parseQuery("Run.filter() x"));
    assert.deepEqual([e.start, e.end], [13, 14]);
    e = err(await parseQuery("Run.filter(a=1) ; drop"));
    assert.match(e.message, /Unexpected character ";"/);
  });

  test("strings and escapes read as the parameters cell reads them", async () => {
    const line = String.raw`Run.filter(name="caf\u00e9 \x41\101", key='a' "b", raw=r"C:\new")`;
    assert.deepEqual(ok(await parseQuery(line)).filter, { name: "café AA", key: "ab", raw: "C:\\new" });
    const cell = String.raw`name = "caf\u00e9 \x41\101"`;
    assert.deepEqual(await parseParameters(cell), { name: "café AA" });
    let e = err(await parseQuery('Run.filter(name=f"{x}")'));
    assert.match(e.message, /Only literals/);
    e = err(await parseQuery(`Run.filter(name="${"x".repeat(20_000)}")`));
    assert.match(e.message, /longer than/);
  });
});
