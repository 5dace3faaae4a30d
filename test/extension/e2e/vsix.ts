// The packaged extension in a fresh code-server: `npm run package`'s script, then
// `code-server --install-extension x.vsix` into isolated folders, then a session without the
// development path (only the installed extension runs).
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { codeServerBin, E2E_ROOT, startCodeServer } from "../../../scripts/ensure-code-server.mjs";
import { packageExtension } from "../../../scripts/package.mjs";
import type { Session } from "./session";
import { writeWorkspace } from "./workspace";

export async function installVsixSession(): Promise<{
  session: Session;
  vsix: { path: string; size: number };
}> {
  const vsix = packageExtension({ build: false, log: () => {} });
  for (const old of readdirSync(E2E_ROOT).filter((d) => d.startsWith("run-vsix-")))
    rmSync(join(E2E_ROOT, old), { recursive: true, force: true });
  const dir = join(E2E_ROOT, `run-vsix-${process.pid}-${Date.now().toString(36)}`);
  const workspace = join(dir, "ws");
  writeWorkspace(workspace, ["ui.ipynb"]);
  for (const d of ["user-data", "extensions", "xdg/config", "xdg/data", "xdg/cache", "tmp"])
    mkdirSync(join(dir, d), { recursive: true });
  const r = spawnSync(
    codeServerBin(),
    [
      "--user-data-dir",
      join(dir, "user-data"),
      "--extensions-dir",
      join(dir, "extensions"),
      "--install-extension",
      vsix.path,
    ],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(dir, "xdg", "config"),
        XDG_DATA_HOME: join(dir, "xdg", "data"),
        XDG_CACHE_HOME: join(dir, "xdg", "cache"),
        TMPDIR: join(dir, "tmp"),
      },
    },
  );
  if (r.status !== 0) throw new Error(`--install-extension failed: ${r.stdout}\n${r.stderr}`);
  const cs = await startCodeServer({ folder: workspace, dir, disableTrust: true });
  return { session: { dir, workspace, cs, stop: () => cs.stop() }, vsix };
}
