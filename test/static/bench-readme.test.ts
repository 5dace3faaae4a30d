// README.md's benchmark figures are bench/results.json's, from one run: the section between the bench
// markers is what scripts/bench-readme.mjs generates from the committed file, and no benchmark figure
// stands in the README's prose outside it. Plus the generator's own rules: "met?" from a structured
// goal, every p50 listed that has no p99 beside it, and the bench files' source giving each p50 its p99.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import {
  BEGIN,
  END,
  groupOf,
  met,
  missingP99,
  renderReadme,
  type ReadmeResults,
} from "../../scripts/bench-readme.mjs";

const root = resolve(__dirname, "../..");
const readme = () => readFileSync(resolve(root, "README.md"), "utf8");
const results = (): ReadmeResults =>
  JSON.parse(readFileSync(resolve(root, "bench/results.json"), "utf8")) as ReadmeResults;

test("README.md's benchmark section is the one generated from bench/results.json", async () => {
  const committed = readme();
  const generated = await renderReadme(committed, results());
  assert.equal(committed, generated, "run `node scripts/bench-readme.mjs` and commit README.md");
});

test("the generated section shows every figure of bench/results.json and the run's machine", async () => {
  const r = results();
  const text = readme();
  const inside = text.slice(text.indexOf(BEGIN), text.indexOf(END));
  for (const f of r.figures ?? []) assert.ok(inside.includes(`${f.value} ${f.unit}`), f.name);
  assert.ok(inside.includes(String(r.machine?.date)), "the run's date");
  assert.ok(inside.includes(String(r.command)), "the run's command");
});

test("no benchmark figure in README.md's prose outside the generated section", () => {
  const text = readme();
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  assert.ok(start >= 0 && end > start, "README.md has the bench markers");
  const outside = text.slice(0, start) + text.slice(end + END.length);
  // a number with a time, size or ratio unit: what a measured figure looks like
  const figures = outside.match(/\b\d[\d.,]*\s?(ms|us|µs|s|sec|seconds|MB|GB|KB|MiB|GiB|x)\b/g) ?? [];
  assert.deepEqual(figures, [], "figures belong in bench/results.json and the generated tables");
});

test("missingP99 lists a p50 or median figure with no p99 of the same name, and only those", () => {
  const f = (name: string) => ({ name, value: 1, unit: "ms" });
  assert.deepEqual(
    missingP99([
      f("db: search (p50)"),
      f("db: search (p99)"),
      f("queue: drain (median of 5)"),
      f("queue: drain (p99 of 5)"),
      f("server: round trip p50 [pglite]"),
      f("server: round trip p99 [pglite]"),
      f("db: save (median)"),
      f("db: save (p95)"),
      f("server: round trip p50 [postgres]"),
    ]),
    ["db: save (median)", "server: round trip p50 [postgres]"],
  );
});

test("met? holds only when every bound of the structured goal holds, and is blank without one", () => {
  const base = { name: "x", unit: "ms", baseline: { name: "b", value: 2 } };
  assert.equal(met({ ...base, value: 3, ratio: 1.5, target: { max: 3, maxRatio: 5 } }), "met");
  assert.equal(met({ ...base, value: 3.1, ratio: 1.55, target: { max: 3, maxRatio: 5 } }), "not met");
  assert.equal(met({ ...base, value: 3, ratio: 1.5, target: { max: 3, maxRatio: 1.3 } }), "not met");
  assert.equal(met({ ...base, value: 2, target: { equalsBaseline: true } }), "met");
  assert.equal(met({ ...base, value: 1, target: { equalsBaseline: true } }), "not met");
  assert.equal(met({ ...base, value: 3, target: { maxRatio: 1.3 } }), "not met", "no ratio: not met");
  assert.equal(met({ ...base, value: 3, goal: "<= 3 ms" }), "", "a prose goal alone is not checked");
});

/** The .ts files under bench/ but the shared figures.ts: the files that produce figures. */
function benchSources(): Array<{ file: string; text: string }> {
  const files = readdirSync(resolve(root, "bench"), { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && f !== "figures.ts",
  );
  return files.map((f) => ({ file: f, text: readFileSync(resolve(root, "bench", f), "utf8") }));
}

test("the bench files report a p99 wherever they report a p50 (checked in their source, no run)", () => {
  const missing: string[] = [];
  for (const { file, text } of benchSources()) {
    // a name spelled out: "(median)" or "p50" in a figure() name needs the same name with p99 in that file
    const names = [...text.matchAll(/figure\(\s*(`[^`]*`|"[^"]*")/g)].map((m) => m[1]!);
    for (const n of names.filter((x) => /\b(p50|median)\b/.test(x))) {
      const want = n.replace(/\b(p50|median)\b/, "p99");
      if (!names.includes(want)) missing.push(`${file}: ${n}`);
    }
    // a name made in a loop over percentiles: the loop's list holds p99 wherever it holds p50
    for (const m of text.matchAll(/\[\s*"p50"[^\]]*\]/g))
      if (!m[0].includes('"p99"')) missing.push(`${file}: ${m[0]}`);
  }
  assert.deepEqual(missing, [], "p50 figures without a p99 beside them");
});

test("figures group by the benchmark that names them", () => {
  assert.equal(groupOf("db [postgres]: new Run(transform).save(), per op (median)"), "db");
  assert.equal(groupOf("windows: errors, 12 windows"), "windows");
});
