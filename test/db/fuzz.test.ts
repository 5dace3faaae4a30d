// Fuzzing filter(): thousands of random expressions (random field paths, lookups, values with
// quotes, semicolons, comment markers, unicode) each either run correctly or raise a typed error,
// never a raw SQL error, and never change the schema or a row. Simple expressions are also
// checked against a reference evaluation in JavaScript.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  DoesNotExist,
  FieldError,
  InvalidArgument,
  LOOKUPS,
  MultipleResultsFound,
  Q,
  Run,
  Transform,
  ULabel,
  ValidationError,
  type Instance,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

/** A small seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "'",
  "''",
  '"',
  ";",
  "; DROP TABLE lamindb_run; --",
  "' OR '1'='1",
  "--",
  "/*",
  "*/",
  "\\",
  "%",
  "_",
  "?",
  "??",
  "$1",
  ":name",
  "ünïcödé",
  "🧬",
  "日本語",
  "\n",
  "\t",
  "a\u0000b",
  "(",
  "[a-",
  "\\d+",
  "NULL",
  "",
  " ",
];
const FIELDS = [
  "name",
  "description",
  "entrypoint",
  "id",
  "uid",
  "_status_code",
  "started_at",
  "params",
  "is_locked",
  "transform_id",
];
const PATHS = [
  "transform__key",
  "transform__kind",
  "created_by__handle",
  "ulabels__name",
  "input_artifacts__key",
  "output_artifacts__suffix",
  "initiated_by_run__name",
  "params__lr",
  "params__a__b",
  "status",
  "branch__name",
  "nope",
  "transform__nope",
  "name__",
  "__name",
  "params__'; --",
  "ulabels__runs__name",
];
// every lookup the compiler knows, plus none and one it does not
const LOOKUP_SUFFIXES = ["", ...LOOKUPS, "bogus"];
const TYPED = [FieldError, InvalidArgument, ValidationError, DoesNotExist, MultipleResultsFound];

type Row = {
  id: number;
  name: string | null;
  description: string | null;
  entrypoint: string | null;
  _status_code: number;
};

function randomValue(r: () => number): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 10)) {
    case 0:
      return pick(NASTY);
    case 1:
      return pick(NASTY) + pick(NASTY) + String(Math.floor(r() * 100));
    case 2:
      return Math.floor(r() * 20) - 5;
    case 3:
      return r() * 10;
    case 4:
      return r() < 0.5;
    case 5:
      return null;
    case 6:
      return [pick(NASTY), Math.floor(r() * 10)];
    case 7:
      return { k: pick(NASTY) };
    case 8:
      return new Date(Math.floor(r() * 2e12));
    default:
      return pick(["alpha", "Beta", "run 1", "O'Brien", "x; y", "50%", "a_b"]);
  }
}

/** The reference evaluation for simple lookups on a text or integer column of Run. */
function reference(rows: Row[], field: keyof Row, lookup: string, value: unknown): Set<number> | undefined {
  const isText = field === "name" || field === "description" || field === "entrypoint";
  const ok = rows.filter((row) => {
    const v = row[field];
    if (isText) {
      if (typeof value !== "string" || value.includes("\u0000") || !/^[\x20-\x7e]*$/.test(value))
        throw new Error("skip");
      if (v === null) return false;
      const s = v as string;
      switch (lookup) {
        case "":
        case "exact":
          return s === value;
        case "iexact":
          return s.toLowerCase() === value.toLowerCase();
        case "contains":
          return s.includes(value);
        case "icontains":
          return s.toLowerCase().includes(value.toLowerCase());
        case "startswith":
          return s.startsWith(value);
        case "istartswith":
          return s.toLowerCase().startsWith(value.toLowerCase());
        case "endswith":
          return s.endsWith(value);
        case "iendswith":
          return s.toLowerCase().endsWith(value.toLowerCase());
        default:
          throw new Error("skip");
      }
    }
    if (typeof value !== "number" || !Number.isInteger(value)) throw new Error("skip");
    const n = v as number;
    switch (lookup) {
      case "":
      case "exact":
        return n === value;
      case "gt":
        return n > value;
      case "gte":
        return n >= value;
      case "lt":
        return n < value;
      case "lte":
        return n <= value;
      default:
        throw new Error("skip");
    }
  });
  return new Set(ok.map((x) => x.id));
}

async function snapshot(instance: Instance): Promise<string> {
  const tables = (
    await instance.knex.raw(
      `SELECT table_name, count(*) AS columns FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name ORDER BY table_name`,
    )
  ).rows as Array<{ table_name: string; columns: unknown }>;
  const parts: string[] = [];
  for (const t of tables) {
    const n = (
      await instance.knex.raw(
        `SELECT count(*) AS n, md5(string_agg(x::text, ',' ORDER BY x::text)) AS h FROM ?? x`,
        [t.table_name],
      )
    ).rows[0];
    parts.push(`${t.table_name}:${Number(t.columns)}:${Number(n.n)}:${n.h}`);
  }
  return parts.join("\n");
}

describeEachDatabase("fuzzing filter()", (ctx) => {
  let rows: Row[];
  before(async () => {
    const t = await new Transform({ key: "fuzz.ipynb", kind: "notebook" }).save();
    const names = ["alpha", "Beta", "run 1", "O'Brien", "x; y", "50%", "a_b", "--", "ünïcödé", null];
    for (let i = 0; i < 30; i++) {
      const run = await new Run(t, {
        name: names[i % names.length],
        description: i % 3 ? `desc ${i}; '--' "q"` : null,
        entrypoint: i % 4 ? `main_${i % 5}` : null,
        params: { lr: i / 100, a: { b: i % 2 ? "x" : i } },
      }).save();
      run._status_code = (i % 6) - 3;
      await run.save();
    }
    await new ULabel({ name: "O'Brien; --" }).save();
    rows = (await ctx.instance
      .knex("lamindb_run")
      .select("id", "name", "description", "entrypoint", "_status_code")) as Row[];
  });

  test("3,000 random expressions: correct results or typed errors, and nothing changes", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261128);
    const r = rng(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const before = await snapshot(ctx.instance);
    const tally = { ok: 0, typed: 0, checked: 0 };
    const TEXT = [
      "",
      "exact",
      "iexact",
      "contains",
      "icontains",
      "startswith",
      "istartswith",
      "endswith",
      "iendswith",
    ];
    const INT = ["", "exact", "gt", "gte", "lt", "lte"];
    const ASCII = [
      "alpha",
      "ALPHA",
      "Beta",
      "a",
      "'",
      "O'B",
      "; y",
      "%",
      "_",
      "--",
      "desc 1",
      '"q"',
      "main_",
      "1",
      " ",
      "x; y",
      "50%",
    ];
    for (let i = 0; i < 3000; i++) {
      // every third expression is a simple one whose result is checked against a JavaScript evaluation
      if (i % 3 === 0) {
        const text = r() < 0.6;
        const field = text ? pick(["name", "description", "entrypoint"]) : pick(["id", "_status_code"]);
        const lookup = text ? pick(TEXT) : pick(INT);
        const value = text ? pick(ASCII) + (r() < 0.3 ? pick(ASCII) : "") : Math.floor(r() * 40) - 5;
        const key = lookup ? `${field}__${lookup}` : field;
        const expected = reference(rows, field as keyof Row, lookup, value)!;
        const got = (await Run.filter({ [key]: value }).limit(null)).map((x) => x.id!);
        assert.deepEqual(
          got.sort((a, b) => a - b),
          [...expected].sort((a, b) => a - b),
          `#${i} seed ${seed}: ${key} = ${JSON.stringify(value)}`,
        );
        tally.checked++;
        continue;
      }
      const path = r() < 0.5 ? pick(FIELDS) : pick(PATHS);
      const lookup = pick(LOOKUP_SUFFIXES);
      const key = lookup ? `${path}__${lookup}` : path;
      const value = randomValue(r);
      const where = `#${i} seed ${seed}: ${key} = ${JSON.stringify(value)}`;
      try {
        const expr = { [key]: value };
        const shape = r();
        const qs =
          shape < 0.2
            ? Run.filter(
                Q(expr)
                  .or(Q({ name: pick(NASTY) }))
                  .not(),
              )
            : shape < 0.3
              ? Run.exclude(expr)
              : Run.filter(expr);
        await qs.limit(50).toArray();
        tally.ok++;
      } catch (e) {
        assert.ok(
          TYPED.some((T) => e instanceof T),
          `${where}: expected a typed error, got ${(e as Error).name}: ${(e as Error).message}`,
        );
        tally.typed++;
      }
    }
    assert.equal(await snapshot(ctx.instance), before, "no schema or row changed");
    assert.ok(tally.ok > 300 && tally.typed > 300, `both outcomes are exercised: ${JSON.stringify(tally)}`);
    assert.equal(tally.checked, 1000, "a third of the expressions were checked against the reference");
  });
});
