// Bundles the notebook renderers as browser ES modules into dist/renderer/ (describe.js, table.js).
// CSS lives in the JS (injected <style>), so each renderer is one file that VS Code loads as is.
import * as esbuild from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const rendererOutDir = join(root, "dist", "renderer");

export const rendererEntries = {
  describe: join(root, "renderer", "describe-renderer.ts"),
  table: join(root, "renderer", "table-renderer.ts"),
};

/** Builds both bundles; files are written through a rename so parallel test processes never read half a file. */
export async function buildRenderers({ minify = true } = {}) {
  const result = await esbuild.build({
    entryPoints: rendererEntries,
    outdir: rendererOutDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome114"],
    minify,
    sourcemap: false,
    legalComments: "none",
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  mkdirSync(rendererOutDir, { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  return result.metafile;
}

// No top-level await: TypeScript tests load this module through require() (tsx, CommonJS package).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildRenderers().then((meta) => {
    for (const [file, info] of Object.entries(meta.outputs))
      console.log(`${file}  ${(info.bytes / 1024).toFixed(1)} KiB`);
  });
}
