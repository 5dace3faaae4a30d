// Bundles every part with esbuild into dist/. `node scripts/build.mjs [part...]` builds only those parts.
import * as esbuild from "esbuild";
import { cpSync, existsSync, mkdirSync } from "node:fs";

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
// web-tree-sitter loads its own .wasm (and the grammar from @vscode/tree-sitter-wasm) from node_modules.
const nodeExternals = [
  ...knexDialectExternals,
  "@electric-sql/pglite",
  "@electric-sql/pglite/*",
  "web-tree-sitter",
  "@vscode/tree-sitter-wasm",
  "vscode",
];

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  logLevel: "warning",
  external: nodeExternals,
};

/** A dynamic import of `spec` is left to run time, as `bundle` beside the output (its own entry). */
const lazyModule = (spec, bundle) => ({
  name: `lazy ${spec}`,
  setup(build) {
    const filter = new RegExp(`^${spec.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
    build.onResolve({ filter }, (args) => {
      if (args.kind !== "dynamic-import")
        throw new Error(`${spec} may only be imported dynamically (${args.importer})`);
      return { path: bundle, external: true };
    });
  },
});

// `import * as vscode from "vscode"` in each of the extension's modules would be its own
// `__toESM(require("vscode"))`, and each copies every property of the API object (hundreds) at module
// load: 26 copies were ~15 ms of activation in the extension host (not in a plain Node require, where
// `vscode` has no properties). One virtual module re-exports it once and every import reads that.
const oneVscode = {
  name: "one vscode namespace",
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === "vscode-once"
        ? { path: "vscode", external: true }
        : { path: "vscode", namespace: "vscode-once" },
    );
    build.onLoad({ filter: /.*/, namespace: "vscode-once" }, () => ({
      contents: 'export * from "vscode";',
      loader: "js",
    }));
  },
};

// A part is built only once its entry exists, so the build works while parts are being added.
const entry = (name, path) =>
  existsSync(path) ? esbuild.build({ ...common, entryPoints: { [name]: path }, outdir: "dist" }) : undefined;

const parts = {
  db: () => entry("db", "db/index.ts"),
  server: async () => {
    await entry("server", "server/main.ts");
    // the query cells' process (server/evaluate/kernel/kernel.ts forks it): self-contained, as its
    // permission model lets it read nothing but this file
    await entry("cell-kernel", "server/evaluate/kernel/child.ts");
    // read by lamin/loadDemoData at run time (server/demo/load-demo.ts), not bundled into the server
    mkdirSync("dist/demo", { recursive: true });
    cpSync("server/demo/vocabularies.json", "dist/demo/vocabularies.json");
  },
  extension: async () => {
    if (!existsSync("extension/main.ts")) return;
    // vscode-languageclient is its own bundle, required on the server's first start (after activate()
    // returned): `await import("./languageclient")` in extension/client/server.ts becomes
    // require("./languageclient.js"), and activation neither loads nor parses it.
    await esbuild.build({
      ...common,
      entryPoints: { extension: "extension/main.ts" },
      outdir: "dist",
      supported: { "dynamic-import": false },
      plugins: [
        oneVscode,
        lazyModule("./languageclient", "./languageclient.js"),
        lazyModule("./tracking/tracking", "./tracking.js"),
      ],
    });
    // tracking (observer, durable queue, sender, picomatch for the exclude globs) is its own bundle too,
    // loaded right after activate() returned (extension/main.ts)
    await esbuild.build({
      ...common,
      entryPoints: { tracking: "extension/tracking/tracking.ts" },
      outdir: "dist",
      plugins: [oneVscode],
    });
    await esbuild.build({
      ...common,
      entryPoints: { languageclient: "extension/client/languageclient.ts" },
      outdir: "dist",
    });
  },
  renderer: async () => {
    if (!existsSync("scripts/build-renderer.mjs")) return;
    const { buildRenderers } = await import("./build-renderer.mjs");
    await buildRenderers();
  },
  webviews: async () => (await import("./build-webviews.mjs")).buildWebviews(),
  // the development companion (companion/): its own extension folder, never in dist/ or the .vsix
  companion: () =>
    esbuild.build({
      ...common,
      entryPoints: { extension: "companion/src/extension.ts" },
      outdir: "companion/dist",
      // ws loads these native speed-ups only if they are installed
      external: ["vscode", "bufferutil", "utf-8-validate"],
    }),
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(parts);
for (const name of wanted) {
  if (!parts[name]) throw new Error(`unknown part ${name}; parts: ${Object.keys(parts).join(", ")}`);
  await parts[name]();
}
