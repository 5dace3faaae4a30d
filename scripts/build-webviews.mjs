// Bundles the extension's webview pages (describe panel, runs explorer) as browser ES modules into
// dist/webview/. The renderers are not bundled in again: the pages import dist/renderer/*.js at run
// time. The explorer carries monaco's editor core (plus suggest and hover) and its CSS and codicon font.
import * as esbuild from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const webviewOutDir = join(root, "dist", "webview");

export async function buildWebviews({ minify = true } = {}) {
  const result = await esbuild.build({
    entryPoints: {
      "describe-panel": join(root, "extension", "webview", "describe-panel.ts"),
      explorer: join(root, "extension", "webview", "explorer.ts"),
    },
    outdir: webviewOutDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome114"],
    minify,
    sourcemap: false,
    legalComments: "none",
    loader: { ".ttf": "file" },
    assetNames: "[name]",
    metafile: true,
    logLevel: "warning",
  });
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWebviews().then((meta) => {
    for (const [file, info] of Object.entries(meta.outputs))
      console.log(`${file}  ${(info.bytes / 1024).toFixed(1)} KiB`);
  });
}
