// The development companion (companion/): "Python (Jupyter server)", the Python kernel of `npm start` and
// of the end-to-end tests. Built from companion/src and copied into an extensions folder as an installed
// extension; never part of dist/ or the .vsix (scripts/package.mjs stages dist/ only).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(root, "companion", "package.json"), "utf8"));

/** "lamindb-dev.jupyter-kernel" */
export const COMPANION_ID = `${manifest.publisher}.${manifest.name}`;

/** Builds the companion and installs it into `extensionsDir`; returns its folder. */
export function installCompanion(extensionsDir) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "companion"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`building the companion failed:\n${r.stdout}\n${r.stderr}`);
  const target = join(extensionsDir, `${COMPANION_ID}-${manifest.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, "dist"), { recursive: true });
  cpSync(join(root, "companion", "package.json"), join(target, "package.json"));
  cpSync(join(root, "companion", "dist", "extension.js"), join(target, "dist", "extension.js"));
  return target;
}
