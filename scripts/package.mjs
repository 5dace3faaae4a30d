// `npm run package`: builds, stages a clean folder with only what the extension needs at run time, and
// runs vsce there, writing lamindb-vscode-<version>.vsix at the repo root.
// Staged: package.json (runtime dependencies only, no scripts), dist/ (bundles, no source maps),
// media/, README.md, LICENSE (when present), and node_modules/ of the packages the bundles keep
// external (PGlite finds its .wasm/.data beside its module; web-tree-sitter and the grammars likewise),
// trimmed of source maps, type declarations, unused grammars, PGlite extensions and debug builds. Query cells' types are stripped by
// sucrase, bundled into the server (the TypeScript compiler was 9 MB of the package for that alone).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The external packages the bundles require at run time (scripts/build.mjs keeps them out of dist/). */
export const RUNTIME_PACKAGES = ["@electric-sql/pglite", "web-tree-sitter", "@vscode/tree-sitter-wasm"];

const GRAMMARS = new Set([
  "tree-sitter-python.wasm",
  "tree-sitter-javascript.wasm",
  "tree-sitter-typescript.wasm",
]);

const PGLITE_FILES = new Set([
  "index.cjs",
  "pglite.wasm",
  "initdb.wasm",
  "pglite.data",
  "contrib/pg_trgm.cjs",
  "pg_trgm.tar.gz",
]);

/** Files of the shipped packages that nothing loads at run time. */
function keep(src) {
  const name = basename(src);
  // source maps, type declarations, and TypeScript sources, tests and configs
  if (name.endsWith(".map") || /\.[cm]?ts$/.test(name)) return false;
  // the grammars the server loads; not this package's own tree-sitter runtime (web-tree-sitter's is used)
  if (src.includes(join("tree-sitter-wasm", "wasm") + sep)) return GRAMMARS.has(name);
  // PGlite: what dist/server.js requires (index.cjs is self-contained, contrib/pg_trgm.cjs loads
  // pg_trgm.tar.gz) and the binaries index.cjs reads beside itself; not its other extensions (pgcrypto
  // alone is 1.1 MB), ES module copies, workers, file systems for the browser or node-postgres adapter
  const pglite = join("@electric-sql", "pglite", "dist");
  if (src.includes(pglite + sep) || src.endsWith(pglite)) {
    const rel = src
      .slice(src.indexOf(pglite) + pglite.length + 1)
      .split(sep)
      .join("/");
    if (statSync(src).isDirectory()) return rel === "" || rel === "contrib";
    return PGLITE_FILES.has(rel);
  }
  // web-tree-sitter's debug build ("web-tree-sitter/debug") and its ES module entry: the server requires it
  if (src.includes(join("node_modules", "web-tree-sitter")))
    return !/[\\/]debug([\\/]|$)/.test(src) && name !== "web-tree-sitter.js";
  return true;
}

function dependenciesOf(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const pkg = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) dependenciesOf(dep, seen);
  return seen;
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status})`);
}

export function packageExtension({ build = true, log = console.log } = {}) {
  if (build) run(process.execPath, ["scripts/build.mjs"], root);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const stage = join(root, ".scratch", "vsix-stage");
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });

  const packages = new Set();
  for (const name of RUNTIME_PACKAGES) dependenciesOf(name, packages);
  const dependencies = {};
  for (const name of [...packages].sort()) {
    const src = join(root, "node_modules", name);
    cpSync(src, join(stage, "node_modules", name), { recursive: true, filter: keep });
    dependencies[name] = JSON.parse(readFileSync(join(src, "package.json"), "utf8")).version;
  }
  // optional peers that are not shipped would fail npm list
  for (const name of packages) {
    const file = join(stage, "node_modules", name, "package.json");
    const meta = JSON.parse(readFileSync(file, "utf8"));
    if (!meta.peerDependencies) continue;
    for (const peer of Object.keys(meta.peerDependencies))
      if (!packages.has(peer)) delete meta.peerDependencies[peer];
    writeFileSync(file, JSON.stringify(meta, null, 2));
  }
  const { devDependencies: _dev, scripts: _scripts, allowScripts: _allow, ...manifest } = pkg;
  manifest.dependencies = dependencies;
  writeFileSync(join(stage, "package.json"), JSON.stringify(manifest, null, 2));
  // dist/db.js is the library bundle for Node users; the extension and server carry what they use
  cpSync(join(root, "dist"), join(stage, "dist"), {
    recursive: true,
    filter: (s) => !s.endsWith(".map") && basename(s) !== "db.js",
  });
  cpSync(join(root, "media"), join(stage, "media"), { recursive: true });
  cpSync(join(root, "README.md"), join(stage, "README.md"));
  if (existsSync(join(root, "LICENSE"))) cpSync(join(root, "LICENSE"), join(stage, "LICENSE"));
  // the stage holds only what ships; this keeps vsce from adding anything else
  writeFileSync(join(stage, ".vscodeignore"), ["**/*.map", "**/.*", ""].join("\n"));

  const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
  const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
  const args = [vsce, "package", "--skip-license", "--allow-missing-repository"];
  run(
    process.execPath,
    [...args, "--allow-star-activation", "--no-rewrite-relative-links", "--out", out],
    stage,
  );
  const size = statSync(out).size;
  log(`${out}: ${(size / 1024 / 1024).toFixed(1)} MiB`);
  return { path: out, size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  packageExtension({ build: !process.argv.includes("--no-build") });
}
