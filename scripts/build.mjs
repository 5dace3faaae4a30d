// Bundles every part with esbuild into dist/. `node scripts/build.mjs [part...]` builds only those parts.
import * as esbuild from "esbuild";
import { existsSync } from "node:fs";

// Knex requires every dialect driver; only pg (and PGlite through knex-pglite) are used.
export const knexDialectExternals = [
  "sqlite3",
  "better-sqlite3",
  "mysql",
  "mysql2",
  "oracledb",
  "tedious",
  "pg-query-stream",
  "pg-native",
  "mariadb",
  "mariadb/callback",
];
// PGlite finds its .wasm and .data next to its own module: it must stay in node_modules.
const nodeExternals = [...knexDialectExternals, "@electric-sql/pglite", "@electric-sql/pglite/*", "vscode"];

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  logLevel: "warning",
  external: nodeExternals,
};

const parts = {
  db: () => esbuild.build({ ...common, entryPoints: { db: "db/index.ts" }, outdir: "dist" }),
  renderer: async () => {
    if (!existsSync("scripts/build-renderer.mjs")) return;
    const { buildRenderers } = await import("./build-renderer.mjs");
    await buildRenderers();
  },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(parts);
for (const name of wanted) {
  if (!parts[name]) throw new Error(`unknown part ${name}; parts: ${Object.keys(parts).join(", ")}`);
  await parts[name]();
}
