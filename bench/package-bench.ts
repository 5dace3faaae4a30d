// The .vsix (issue 14: <= 8 MB): `npm run package` as a user runs it (scripts/package.mjs: build, stage,
// vsce), its size beside what it cannot do without, measured in the same run: PGlite's binaries
// (pglite.wasm, pglite.data, initdb.wasm as they are in node_modules), which every package of the
// extension carries, so the ratio shows what the bundles, the grammars and the rest add.
// Run: node --import tsx bench/package-bench.ts  (npm run bench -- package)
import { statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { figure, mergeResults, printTable } from "./figures";

const ROOT = join(__dirname, "..");
const PGLITE_BINARIES = ["pglite.wasm", "pglite.data", "initdb.wasm"];
const MB = 1_000_000;

async function main(): Promise<void> {
  // scripts/package.mjs is untyped .mjs: imported by URL, as bench/server-bench.ts imports postgres.mjs
  const { packageExtension } = (await import(pathToFileURL(join(ROOT, "scripts", "package.mjs")).href)) as {
    packageExtension: (o: { build: boolean; log: (m: string) => void }) => { path: string; size: number };
  };
  const { path, size } = packageExtension({ build: true, log: (m) => console.log(`[package-bench] ${m}`) });
  const dist = join(ROOT, "node_modules", "@electric-sql", "pglite", "dist");
  const binaries = PGLITE_BINARIES.reduce((sum, f) => sum + statSync(join(dist, f)).size, 0);
  const figures = [
    figure("package: the .vsix `npm run package` writes", size / MB, "MB", {
      baseline: { name: "PGlite's binaries it must carry, uncompressed", value: binaries / MB },
      goal: "<= 8 MB (issue 14)",
      target: { max: 8 },
      samples: `1 (${path.split("/").pop()}, ${size} bytes)`,
    }),
  ];
  printTable(figures);
  console.log(
    `merged into ${mergeResults(figures, {
      replaces: (name) => name.startsWith("package:"),
      machine: { loadavg1m: Number(loadavg()[0].toFixed(2)) },
    })}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
