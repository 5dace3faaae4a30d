// The packaged extension in a fresh code-server: `npm run package`'s script, then
// `code-server --install-extension x.vsix` into isolated folders, then a session without the
// development path (only the installed extension runs). From that installation a user's three first
// steps must work: a notebook execution is tracked, a registry value completes in a Python file (the
// language server's tree-sitter grammars come from the package), and a record's describe() renders.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { codeServerBin, E2E_ROOT, startCodeServer } from "../../../scripts/ensure-code-server.mjs";
import { packageExtension } from "../../../scripts/package.mjs";
import { browser, EXTENSION_ID, type Session } from "./session";
import { CONTAINER, inFrames, runNotebook, TREE_ROWS } from "./ui";
import { writeWorkspace } from "./workspace";

/** The ULabel the notebook's query cell saves (written in pieces there, so no editor offers it as a word). */
export const VSIX_LABEL = "vsix-label-e2e";
/** A Python file whose last line is an open value string of a get() call. */
const COMPLETE_PY = 'import lamindb as ln\n\nln.ULabel.get(name="vsix-';

export async function installVsixSession(): Promise<{
  session: Session;
  vsix: { path: string; size: number };
}> {
  const vsix = packageExtension({ build: false, log: () => {} });
  for (const old of readdirSync(E2E_ROOT).filter((d) => d.startsWith("run-vsix-")))
    rmSync(join(E2E_ROOT, old), { recursive: true, force: true });
  const dir = join(E2E_ROOT, `run-vsix-${process.pid}-${Date.now().toString(36)}`);
  const workspace = join(dir, "ws");
  writeWorkspace(workspace, ["vsix.ipynb"]);
  writeFileSync(join(workspace, "complete.py"), COMPLETE_PY);
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

/** The installed extension's folder (what code-server unpacked from the .vsix). */
export function installedExtension(session: Session): string {
  const root = join(session.dir, "extensions");
  const name = readdirSync(root).find((d) => d.startsWith(`${EXTENSION_ID}-`));
  if (!name) throw new Error(`${EXTENSION_ID} is not installed in ${root}`);
  return join(root, name);
}

/**
 * In the workbench of a session where only the installed .vsix runs: the Runs view answers, a query
 * cell's record renders as describe() and its execution becomes a run (the status bar shows it
 * completed), and the saved label completes in a Python file. Screenshots land in the session folder.
 */
export async function useInstalledVsix(session: Session, log: (line: string) => void): Promise<void> {
  const grammar = join(installedExtension(session), "node_modules", "@vscode", "tree-sitter-wasm", "wasm");
  for (const wasm of ["tree-sitter-python.wasm", "tree-sitter-javascript.wasm"])
    if (!existsSync(join(grammar, wasm))) throw new Error(`the package lacks ${wasm} (looked in ${grammar})`);
  const ctx = await browser(session.dir);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const shot = (name: string) => page.screenshot({ path: join(session.dir, `${name}.png`) }).catch(() => {});
  try {
    await page.goto(`${session.cs.url}/?folder=${encodeURIComponent(session.workspace)}`);
    await page.locator(CONTAINER).click({ timeout: 60000 });
    // the embedded database opened from the packaged node_modules: the Runs view answers. Its first open
    // creates LaminDB's tables (50 s on a loaded 2-core machine), which the view shows as waiting
    await page
      .locator(TREE_ROWS, { hasText: /No runs yet|Waiting for the database/ })
      .first()
      .waitFor({ timeout: 60000 });
    await page.locator(TREE_ROWS, { hasText: "No runs yet" }).first().waitFor({ timeout: 300000 });

    // a query cell: the saved record renders with the packaged describe renderer, and the execution is a run
    await page.keyboard.press("Control+Shift+E"); // the Explorer
    await page
      .locator(".explorer-folders-view .monaco-list-row", { hasText: "vsix.ipynb" })
      .first()
      .dblclick();
    await runNotebook(page, "query cells", "LaminDB");
    const title = await inFrames(page, ".ldb-title", { hasText: VSIX_LABEL, timeout: 60000 });
    log(`describe output: ${(await title.locator.first().innerText()).trim()}`);
    const status = page.locator(".statusbar-item", { hasText: /Run \w+ completed/ });
    await status.waitFor({ timeout: 60000 });
    log(`status bar: ${(await status.innerText()).trim()}`);
    await page.locator(CONTAINER).click();
    await page.locator(TREE_ROWS, { hasText: "vsix.ipynb" }).first().waitFor({ timeout: 30000 });
    await shot("vsix-tracked");

    // completion in a Python file: tree-sitter parses it in the packaged server
    await page.keyboard.press("Control+Shift+E");
    await page
      .locator(".explorer-folders-view .monaco-list-row", { hasText: "complete.py" })
      .first()
      .dblclick();
    const editor = page.locator(".editor-instance .monaco-editor .view-lines:visible").first();
    await editor.waitFor({ timeout: 30000 });
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Control+Space");
    const suggestion = page.locator(".suggest-widget .monaco-list-row", { hasText: VSIX_LABEL }).first();
    await suggestion.waitFor({ timeout: 30000 });
    log(`completion: ${(await suggestion.innerText()).replace(/\s+/g, " ").trim()}`);
    await shot("vsix-completion");
  } catch (e) {
    await shot("vsix-failure");
    throw e;
  } finally {
    await ctx.close();
  }
}
