// @vscode/test-electron entry: `npm run test:electron`. Where a desktop VS Code can be downloaded, set
// LAMIN_VSCODE_DOWNLOAD=1 and runTests fetches one; VSCODE_EXECUTABLE points at an installed one; by
// default it runs the shim e2e/fake-code.sh, which accepts the same CLI arguments and runs the suite in
// code-server (no desktop VS Code or Electron can be downloaded here).
import { runTests } from "@vscode/test-electron";
import { chmodSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { E2E_ROOT } from "../../scripts/ensure-code-server.mjs";
import { startPostgres } from "../../scripts/postgres.mjs";
import { buildSuite, embeddedDbDir, prepare, seedEmbedded, SEEDED_LABELS } from "./e2e/session";
import { writeWorkspace } from "./e2e/workspace";

async function main(): Promise<void> {
  prepare();
  const dir = join(E2E_ROOT, "electron");
  rmSync(dir, { recursive: true, force: true });
  const workspace = join(dir, "ws");
  writeWorkspace(workspace);
  const resultsFile = join(dir, "results.json");
  await seedEmbedded(embeddedDbDir(join(dir, "user-data")), SEEDED_LABELS);
  // the suite stops and starts this cluster to test the queue across a database outage
  const pg = await startPostgres({ dedicated: true });
  const suite = await buildSuite(join(dir, "suite"), {
    mode: "main",
    workspace,
    resultsFile,
    seededLabels: SEEDED_LABELS,
    postgres: { url: pg.url, ...pg.commands! },
  });
  const shim = resolve("test/extension/e2e/fake-code.sh");
  chmodSync(shim, 0o755);
  const code = await runTests({
    ...(process.env.LAMIN_VSCODE_DOWNLOAD
      ? {}
      : { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE ?? shim }),
    extensionDevelopmentPath: resolve("."),
    extensionTestsPath: suite,
    launchArgs: [
      workspace,
      `--user-data-dir=${join(dir, "user-data")}`,
      `--extensions-dir=${join(dir, "extensions")}`,
      "--disable-workspace-trust",
    ],
    extensionTestsEnv: { LAMIN_E2E_DIR: dir },
  }).finally(() => pg.stop());
  process.exit(code);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
