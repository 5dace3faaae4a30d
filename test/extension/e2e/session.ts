// One code-server for a suite: isolated folders under .e2e/run-<id>, the test kernel installed, the
// integration suite bundled, and helpers to run it through the workbench payload (as @vscode/test-electron
// would) or to drive the workbench UI with Playwright. Always stop() (it ends the process group).
import assert from "node:assert/strict";
import type { test } from "node:test";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { installCompanion } from "../../../scripts/companion.mjs";
import { CHROMIUM_ARGS, ensureChromium } from "../../../scripts/ensure-chromium.mjs";
import {
  E2E_ROOT,
  ensureCodeServer,
  startCodeServer,
  type CodeServer,
} from "../../../scripts/ensure-code-server.mjs";
import { ensureJupyter } from "../../../scripts/ensure-jupyter.mjs";
import type { TestResult } from "../suite/harness";
import { writeWorkspace } from "./workspace";

export const REPO = resolve(".");
const REMOTE = "vscode-remote://remote"; // code-server's remote authority
export const EXTENSION_ID = "lamindb-vscode.lamindb-vscode";

/**
 * Builds what every session needs once: the extension and server bundles, chromium, code-server, and the
 * Python kernel (Debian's ipykernel and jupyter-server) the companion extension runs notebooks on.
 */
export function prepare(): void {
  ensureChromium();
  ensureCodeServer();
  ensureJupyter();
  if (
    !existsSync(join(REPO, "dist/extension.js")) ||
    !existsSync(join(REPO, "dist/server.js")) ||
    !existsSync(join(REPO, "dist/webview/explorer.js")) ||
    process.env.LAMIN_E2E_BUILD
  ) {
    const r = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("build failed");
  }
}

export interface Session {
  dir: string;
  workspace: string;
  cs: CodeServer;
  stop(): Promise<void>;
}

export async function startSession(
  name: string,
  options: {
    trusted: boolean;
    seedLabels?: string[];
    /** Folders put on the Python kernel's path (PYTHONPATH): fixture modules a test imports in its cells. */
    pythonPath?: string[];
    /** More environment for the extension host, and through it jupyter-server and its kernels. */
    env?: Record<string, string>;
  },
): Promise<Session> {
  // the previous run of this session stays for inspection until the next one starts
  for (const old of readdirSync(E2E_ROOT).filter((d) => d.startsWith(`run-${name}-`)))
    rmSync(join(E2E_ROOT, old), { recursive: true, force: true });
  const dir = join(E2E_ROOT, `run-${name}-${process.pid}-${Date.now().toString(36)}`);
  const workspace = join(dir, "ws");
  writeWorkspace(workspace);
  await installTestKernel(join(dir, "extensions"));
  // the real Python kernel (untrusted workspaces: it does not run there, as the Jupyter extension)
  installCompanion(join(dir, "extensions"));
  if (options.seedLabels?.length)
    await seedEmbedded(embeddedDbDir(join(dir, "user-data")), options.seedLabels);
  // no prompt about the repository this checkout's .e2e folder sits in (it would cover the screenshots);
  // notebooks saved as they change: a kernel writes its metadata into a notebook when it is selected, and
  // closing a dirty editor would stop at VS Code's "Save changes?" modal
  mkdirSync(join(dir, "user-data", "User"), { recursive: true });
  writeFileSync(
    join(dir, "user-data", "User", "settings.json"),
    JSON.stringify(
      {
        "git.openRepositoryInParentFolders": "never",
        "files.autoSave": "afterDelay",
        // each test picks its notebook's kernel itself (the stand-in for some)
        "lamindbDev.jupyter.selectForPythonNotebooks": false,
      },
      null,
      2,
    ),
  );
  // the extension host passes its environment on to jupyter-server, which passes it on to the kernels
  const env = {
    ...options.env,
    ...(options.pythonPath?.length ? { PYTHONPATH: options.pythonPath.join(":") } : {}),
  };
  const cs = await startCodeServer({ folder: workspace, dir, disableTrust: options.trusted, env });
  return { dir, workspace, cs, stop: () => cs.stop() };
}

/** Bundles an extension kept in this repository (`src`/`entry`, its package.json beside it) into `extensions`. */
export async function installBundledExtension(
  extensions: string,
  folder: string,
  src: string,
  entry: string,
): Promise<void> {
  const target = join(extensions, folder);
  mkdirSync(target, { recursive: true });
  await esbuild.build({
    entryPoints: [join(src, entry)],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    outfile: join(target, "extension.js"),
    logLevel: "warning",
  });
  copyFileSync(join(src, "package.json"), join(target, "package.json"));
}

export function installTestKernel(extensions: string): Promise<void> {
  return installBundledExtension(
    extensions,
    "lamindb-test.test-kernel-0.0.1",
    join(REPO, "test/extension/fixtures/test-kernel"),
    "extension.ts",
  );
}

/** ULabels the suite expects to find (completions, the Registries tree's counts). */
export const SEEDED_LABELS = ["T cell", "B cell", "NK cell"];

/** Where the extension keeps its embedded database under a user-data folder. */
export function embeddedDbDir(userData: string): string {
  return join(userData, "User", "globalStorage", EXTENSION_ID, "db");
}

/** Registry values for the completion test, written before any server opens the folder. */
export async function seedEmbedded(dbDir: string, labels: string[]): Promise<void> {
  mkdirSync(dbDir, { recursive: true });
  const { connect, ULabel } = await import("../../../db/index");
  const ln = await connect({ dir: dbDir });
  try {
    for (const name of labels) await new ULabel({ name }).save();
  } finally {
    await ln.close();
  }
}

export async function buildSuite(outDir: string, config: Record<string, unknown>): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, "index.js");
  await esbuild.build({
    entryPoints: [join(REPO, "test/extension/suite/index.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // pg's optional native binding, never loaded (the suite reads the test database with pg's JavaScript client)
    external: ["vscode", "pg-native"],
    outfile,
    sourcemap: "inline",
    logLevel: "warning",
  });
  writeFileSync(join(outDir, "suite-config.json"), JSON.stringify(config, null, 2));
  return outfile;
}

export async function browser(dir: string): Promise<BrowserContext> {
  const profile = join(dir, "chromium");
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: ensureChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
}

export function workbenchUrl(s: Session, payload: Array<[string, string]>): string {
  const q = `folder=${encodeURIComponent(s.workspace)}`;
  return `${s.cs.url}/?${q}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ""}`;
}

/** The suite's results as subtests of `t`; fails `t` unless the suite exited with 0. */
export async function reportSuite(
  t: test.TestContext,
  name: string,
  out: Awaited<ReturnType<typeof runSuite>>,
): Promise<void> {
  for (const line of out.console.filter((l) => l.includes("LAMIN-"))) console.log(`  [${name}] ${line}`);
  for (const r of out.results) {
    await t.test(`${r.name} (${r.ms} ms in the extension host)`, () => {
      if (!r.ok) throw new Error(r.error);
    });
  }
  assert.equal(
    out.code,
    0,
    `suite exit code ${String(out.code)}; ${out.results.filter((r) => !r.ok).length} failed of ${out.results.length}`,
  );
}

/** Runs the bundled suite in the real extension host; resolves with its per-test results. */
export async function runSuite(
  s: Session,
  suiteFile: string,
  resultsFile: string,
  timeoutMs: number,
  extension = REPO,
): Promise<{ code: unknown; results: TestResult[]; console: string[] }> {
  const ctx = await browser(s.dir);
  const lines: string[] = [];
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    let done: (v: { code: unknown }) => void = () => {};
    const exited = new Promise<{ code: unknown }>((r) => (done = r));
    await page.exposeFunction("codeAutomationExit", (code: unknown) => done({ code }));
    page.on("console", (m) => {
      const t = m.text();
      if (/LAMIN-|^\s+(ok|FAIL) /.test(t)) lines.push(t);
    });
    await page.goto(
      workbenchUrl(s, [
        ["extensionDevelopmentPath", `${REMOTE}${extension}`],
        ["extensionTestsPath", `${REMOTE}${suiteFile}`],
      ]),
    );
    const timeout = new Promise<{ code: unknown }>((r) =>
      setTimeout(() => r({ code: "TIMEOUT" }), timeoutMs),
    );
    const res = await Promise.race([exited, timeout]);
    if (res.code !== 0) await page.screenshot({ path: join(s.dir, "suite-failure.png") }).catch(() => {});
    const results = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, "utf8")) as TestResult[])
      : [];
    return { code: res.code, results, console: lines };
  } finally {
    await ctx.close();
  }
}

export async function openWorkbench(ctx: BrowserContext, s: Session): Promise<Page> {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(workbenchUrl(s, [["extensionDevelopmentPath", `${REMOTE}${REPO}`]]));
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  // restored with the folder open: rows in the Explorer, or in the LaminDB views if a test left them shown
  await page.waitForSelector(
    '.explorer-folders-view .monaco-list-row, [id="workbench.view.extension.lamindb"] .monaco-list-row',
    { timeout: 60000 },
  );
  return page;
}

/**
 * A fresh browser on the workbench for `fn`; a screenshot `<name>.png` after it, or `<name>-failure.png`
 * when it (or opening the workbench) failed.
 */
export async function inWorkbench(
  s: Session,
  name: string,
  fn: (page: Page) => Promise<void>,
): Promise<void> {
  const ctx = await browser(s.dir);
  try {
    await fn(await openWorkbench(ctx, s));
    await ctx.pages()[0]?.screenshot({ path: join(s.dir, `${name}.png`) });
  } catch (e) {
    await ctx
      .pages()[0]
      ?.screenshot({ path: join(s.dir, `${name}-failure.png`) })
      .catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
}
