// Extension tests in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) driven by headless Chromium.
// 1. the integration suite (test/extension/suite) inside the real extension host, through the workbench
//    payload (extensionDevelopmentPath + extensionTestsPath, exit code via codeAutomationExit);
// 2. a Playwright flow in the workbench UI: open a notebook, run a cell, see the run and the renderer;
// 3. the suite's untrusted mode in a second code-server with Workspace Trust on.
// code-server and Chromium are installed when missing (scripts/ensure-*.mjs); .e2e/ holds everything.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildSuite,
  inWorkbench,
  prepare,
  reportSuite,
  runSuite,
  SEEDED_LABELS,
  startSession,
  type Session,
} from "./e2e/session";
import {
  BADGE,
  CONTAINER,
  inFrames,
  insertRunFromElsewhere,
  runCommand,
  runExists,
  runNotebook,
  screenshot,
  TREE_ROWS,
} from "./e2e/ui";
import { installVsixSession, useInstalledVsix } from "./e2e/vsix";
import { startPostgres, type ThrowawayPostgres } from "../../scripts/postgres.mjs";

// an upper bound against hangs (every step waits for a state): the suite runs about 15 minutes on a busy machine
describe("extension in code-server", { timeout: 30 * 60_000 }, () => {
  before(() => prepare());
  // Every session is stopped in its own after(); if a handle of the harness (a Playwright or esbuild
  // child, a socket) still keeps this file's process alive, it must not hang npm test: exit once the
  // runner has reported. The timer is unref'd, so a process that ends by itself is not held back.
  after(() => {
    setTimeout(() => {
      // say what held the process, so the leak can be found rather than absorbed
      console.error(
        `[e2e] still alive 5 s after the last test: ${process.getActiveResourcesInfo().join(", ")}`,
      );
      process.exit();
    }, 5000).unref();
  });

  describe("trusted workspace", () => {
    let s: Session | undefined;
    // the suite stops and starts this cluster (its own folder and port) to test the queue across an outage
    let pg: ThrowawayPostgres | undefined;
    before(async () => {
      pg = await startPostgres({ dedicated: true });
      s = await startSession("main", { trusted: true, seedLabels: SEEDED_LABELS });
    });
    after(async () => {
      await s?.stop();
      await pg?.stop();
    });

    test("integration suite in the real extension host", async (t) => {
      const started = Date.now();
      const suite = await buildSuite(join(s!.dir, "suite"), {
        mode: "main",
        workspace: s!.workspace,
        resultsFile: join(s!.dir, "results.json"),
        seededLabels: SEEDED_LABELS,
        postgres: { url: pg!.url, ...pg!.commands! },
        // LAMIN_SUITE_ONLY=watchdog: that scenario alone, for a targeted run
        ...(process.env.LAMIN_SUITE_ONLY ? { only: process.env.LAMIN_SUITE_ONLY } : {}),
      });
      const out = await runSuite(s!, suite, join(s!.dir, "results.json"), 15 * 60_000);
      console.log(`  integration suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await reportSuite(t, "main", out);
    });

    test("workbench UI: Run All on the real kernel: the run in the status bar, pandas' table in the table renderer, the run's describe()", async () => {
      await inWorkbench(s!, "ui", async (page) => {
        const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: "ui.ipynb" }).first();
        await row.waitFor({ timeout: 30000 });
        await row.dblclick();
        await runNotebook(page, "Python (Jupyter server)");
        const status = page.locator(".statusbar-item", { hasText: /Run \w+ completed/ });
        await status.waitFor({ timeout: 90000 });
        console.log(`  status bar: ${(await status.innerText()).trim()}`);
        // a DataFrame with pandas' Table Schema (application/vnd.dataresource+json), drawn by the table renderer
        const table = await inFrames(page, "tr.ldb-row", { hasText: "NK cell", timeout: 60000 });
        assert.ok((await table.frame.locator("tr.ldb-row").count()) >= 3);
        await screenshot(page, "notebook-table");
        // the status bar's run, described: its params came from the cell tagged "parameters"
        const short = /Run (\w+) completed/.exec(await status.innerText())![1]!; // the uid's first 8
        await status.click();
        // showRun opens the description as a read-only notebook, "Run <uid>.ipynb": on screen once its
        // tab is the active one
        const tab = page.locator(".tabs-container .tab", { hasText: `Run ${short}` });
        await page
          .locator(".tabs-container .tab.active", { hasText: `Run ${short}` })
          .waitFor({ timeout: 30000 });
        const described = await inFrames(page, ".ldb-describe", { hasText: "cell_type", timeout: 30000 });
        assert.match(await described.locator.first().innerText(), /T cell/);
        await screenshot(page, "describe-run");
        // never dirty: its own close button closes it without a save prompt
        assert.doesNotMatch(String(await tab.getAttribute("class")), /\bdirty\b/);
        await tab.hover();
        await tab.locator(".codicon-close").click();
        await tab.waitFor({ state: "detached" });
        // registry values complete in a Python cell (the language server, no kernel involved)
        await page
          .locator(".explorer-folders-view .monaco-list-row", { hasText: "complete.ipynb" })
          .first()
          .dblclick();
        const cellEditor = page.locator(".notebook-editor:visible .cell-list-container .view-lines").first();
        await cellEditor.click();
        await page.keyboard.press("Control+End");
        await page.keyboard.press("Control+Space");
        await page
          .locator(".suggest-widget .monaco-list-row", { hasText: SEEDED_LABELS[0] })
          .first()
          .waitFor({ timeout: 60000 });
        await screenshot(page, "completions");
        await page.keyboard.press("Escape");
      });
    });
    test("workbench UI: Runs tree, badge and live updates, describe panel, explorer, query kernel", async () => {
      await inWorkbench(s!, "inspect", async (page) => {
        await page.locator(CONTAINER).click();
        // runs tracked by the suite, with their status icons
        const passed = page.locator(TREE_ROWS, { has: page.locator(".codicon-pass") }).first();
        await passed.waitFor({ timeout: 60000 });
        await page
          .locator(TREE_ROWS, { has: page.locator(".codicon-error") })
          .first()
          .waitFor();
        // a run written by another connection appears without a refresh, spinning, and the badge counts it
        const uid = await insertRunFromElsewhere(s!.cs.userData, "pipelines/elsewhere.py");
        const live = page.locator(TREE_ROWS, { hasText: uid.slice(0, 8) });
        await live.waitFor({ timeout: 20000 });
        await live.locator(".codicon-sync.codicon-modifier-spin").waitFor({ timeout: 5000 });
        await page.locator(BADGE, { hasText: "1" }).waitFor({ timeout: 10000 });
        await screenshot(page, "runs-tree");
        // describe from the tree: the panel's renderer draws the run
        await live.click();
        const title = await inFrames(page, ".ldb-describe, [class*=ldb-]", {
          hasText: uid.slice(0, 7),
          timeout: 15000,
        });
        console.log(`  describe panel: ${(await title.locator.first().innerText()).split("\n")[0]}`);
        // the explorer: a query's rows, and the editor completes field names
        await runCommand(page, "LaminDB: Open runs explorer");
        const editor = await inFrames(page, ".lamin-editor .view-lines");
        await editor.locator.first().click();
        await page.keyboard.press("Control+A");
        await page.keyboard.type('Run.filter(status="errored").to_dataframe(include="created_by__handle")');
        await page.keyboard.press("Escape");
        await page.keyboard.press("Enter");
        // the header cell, not the query line, which holds the same text
        await editor.frame
          .locator("th", { hasText: "created_by__handle" })
          .first()
          .waitFor({ timeout: 20000 });
        await editor.frame.locator("tr.ldb-row").first().waitFor({ timeout: 5000 });
        const rows = await editor.frame.locator("tr.ldb-row").count();
        assert.ok(rows >= 1, `explorer rows: ${rows}`);
        await page.keyboard.press("Control+A");
        await page.keyboard.type("Run.filter(tran");
        const suggestion = editor.frame
          .locator(".suggest-widget .monaco-list-row", { hasText: "transform" })
          .first();
        await suggestion.waitFor({ timeout: 20000 });
        await page.keyboard.press("Escape");
        // the query kernel in a notebook: the dataframe renderer draws its output
        await runCommand(page, "View: Close All Editors");
        await runCommand(page, "View: Show Explorer");
        await page
          .locator(".explorer-folders-view .monaco-list-row", { hasText: "query.ipynb" })
          .first()
          .dblclick();
        await runNotebook(page, "query cells", "LaminDB");
        // the first query cell of a session loads TypeScript (to strip types) in the server: slow on a busy machine
        const table = await inFrames(page, "tr.ldb-row", { timeout: 120000 });
        assert.ok((await table.locator.count()) >= 1);
      });
    });
    test("workbench UI: search finds a record and describes the pick; delete permanently asks first", async () => {
      await inWorkbench(s!, "search-delete", async (page) => {
        // search: typing a term lists matching records with their registry; picking one describes it
        await runCommand(page, "LaminDB: Search records...");
        await page
          .locator(".quick-input-widget .quick-input-title", { hasText: "search records" })
          .waitFor({ timeout: 90000 }); // the search needs the language server, which may still be starting
        await page.keyboard.type(SEEDED_LABELS[0]);
        const found = page
          .locator(".quick-input-widget .monaco-list-row", { hasText: SEEDED_LABELS[0] })
          .filter({ hasText: "ULabel" })
          .first();
        await found.waitFor({ timeout: 20000 });
        await found.click();
        await inFrames(page, ".ldb-describe, [class*=ldb-]", { hasText: SEEDED_LABELS[0] });

        // delete permanently: the modal's Cancel keeps the run, its confirmation deletes it for good
        const uid = await insertRunFromElsewhere(s!.cs.userData, "pipelines/doomed.py");
        await runCommand(page, "Focus on Runs View");
        const row = page.locator(TREE_ROWS, { hasText: uid.slice(0, 8) });
        await row.waitFor({ timeout: 20000 });
        const dialog = page.locator(".monaco-dialog-box");
        const menu = page.locator(".context-view .monaco-menu");
        const askToDelete = async (whileMenuIsOpen?: () => Promise<void>) => {
          await row.click({ button: "right" });
          await menu.locator(".action-item", { hasText: "Delete permanently" }).first().waitFor();
          await whileMenuIsOpen?.();
          // a menu item takes mouse clicks only 100 ms after the menu opened (so that the right-click's own
          // mouseup picks nothing): focus it by hovering, then Enter, which the menu always takes
          await menu.locator(".action-item", { hasText: "Delete permanently" }).first().hover();
          await menu
            .locator("a.action-menu-item:focus", { hasText: "Delete permanently" })
            .waitFor({ timeout: 10000 });
          await page.keyboard.press("Enter");
          await dialog.waitFor({ timeout: 30000 }).catch(async (e: unknown) => {
            // what the command said instead of asking (its error shows as a notification)
            const toasts = await page.locator(".notification-toast").allInnerTexts();
            throw new Error(`no confirmation dialog; notifications: ${JSON.stringify(toasts)}`, { cause: e });
          });
          assert.match(await dialog.innerText(), new RegExp(`Delete Run ${uid} permanently`));
        };
        // a newer run of the same script (the same label) arrives above the row while its menu is open:
        // the menu still acts on the row that was right-clicked (a label's handle would be the newer run's)
        await askToDelete(async () => {
          const newer = await insertRunFromElsewhere(s!.cs.userData, "pipelines/doomed.py");
          await page.locator(TREE_ROWS, { hasText: newer.slice(0, 8) }).waitFor({ timeout: 20000 });
        });
        await dialog.locator(".monaco-button", { hasText: "Cancel" }).click();
        await dialog.waitFor({ state: "detached", timeout: 10000 });
        assert.equal(await runExists(s!.cs.userData, uid), true, "cancelled: the run stays");
        await row.waitFor({ timeout: 5000 });
        await askToDelete();
        await dialog.locator(".monaco-button", { hasText: "Delete permanently" }).click();
        await row.waitFor({ state: "detached", timeout: 20000 });
        assert.equal(await runExists(s!.cs.userData, uid), false, "deleted from the database");
      });
    });
  });

  describe("untrusted workspace", () => {
    let s: Session | undefined;
    before(async () => {
      s = await startSession("untrusted", { trusted: false });
    });
    after(async () => {
      await s?.stop();
    });

    test("nothing is written", async (t) => {
      const suite = await buildSuite(join(s!.dir, "suite"), {
        mode: "untrusted",
        workspace: s!.workspace,
        resultsFile: join(s!.dir, "results.json"),
        seededLabels: [],
      });
      const out = await runSuite(s!, suite, join(s!.dir, "results.json"), 3 * 60_000);
      await reportSuite(t, "untrusted", out);
    });
  });

  describe("packaged .vsix", () => {
    test("npm run package makes a .vsix that, installed into a fresh code-server, tracks, completes and describes", async () => {
      const started = Date.now();
      const { session, vsix } = await installVsixSession();
      try {
        console.log(`  .vsix: ${(vsix.size / 1024 / 1024).toFixed(1)} MiB`);
        await useInstalledVsix(session, (line) => console.log(`  ${line}`));
      } finally {
        await session.stop();
      }
      console.log(`  package + install + use: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  });
});
