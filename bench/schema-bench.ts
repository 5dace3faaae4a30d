// What LaminDB's whole schema costs a new embedded instance (npm start and every test open one):
// connect() on an empty folder (PGlite's initdb, the four migrations, the initial records) beside
// PGlite.create() on an empty folder (the initdb alone), and the same in memory; then opening an
// existing folder beside PGlite.create() on it. Interleaved, so load on the machine falls on both.
// Run: node --import tsx bench/schema-bench.ts   (BENCH_SCHEMA_N=8 repetitions by default)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "../db/index";
import { createPglite } from "../db/connection/pglite";
import { figure, mergeResults, printTable, summarize, timeInterleaved, type BenchFigure } from "./figures";

const N = Math.max(2, Number(process.env.BENCH_SCHEMA_N) || 8);

const folders: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "lamin-schema-bench-"));
  folders.push(d);
  return d;
};

async function main(): Promise<void> {
  const existing = fresh();
  await (await connect({ dir: existing, setDefault: false })).close();
  const t = await timeInterleaved(
    {
      connectDir: async () => (await connect({ dir: fresh(), setDefault: false })).close(),
      pgliteDir: async () => (await createPglite(fresh())).close(),
      connectMemory: async () => (await connect({ memory: true, setDefault: false })).close(),
      pgliteMemory: async () => (await createPglite(undefined)).close(),
      openDir: async () => (await connect({ dir: existing, setDefault: false })).close(),
      pgliteOpenDir: async () => (await createPglite(existing)).close(),
    },
    { iterations: N, block: 1, warmup: 1 },
  );
  const s = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, summarize(v as number[])])) as Record<
    keyof typeof t,
    ReturnType<typeof summarize>
  >;
  const figures: BenchFigure[] = [];
  for (const p of ["p50", "p99"] as const) {
    figures.push(
      figure(
        `schema [pglite]: connect({ dir }) creating an instance, 85 tables (${p})`,
        s.connectDir[p],
        "ms",
        {
          baseline: { name: `PGlite.create() on an empty folder (${p})`, value: s.pgliteDir[p] },
          backend: "pglite",
        },
      ),
      figure(`schema [pglite]: connect({ memory }) creating an instance (${p})`, s.connectMemory[p], "ms", {
        baseline: { name: `PGlite.create() in memory (${p})`, value: s.pgliteMemory[p] },
        backend: "pglite",
      }),
      figure(`schema [pglite]: connect({ dir }) opening an existing instance (${p})`, s.openDir[p], "ms", {
        baseline: { name: `PGlite.create() on that folder (${p})`, value: s.pgliteOpenDir[p] },
        backend: "pglite",
      }),
    );
  }
  mergeResults(figures, { machine: { loadavg1: Number(loadavg()[0].toFixed(1)) } });
  printTable(figures);
}

main()
  .finally(() => {
    for (const d of folders) rmSync(d, { recursive: true, force: true });
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
