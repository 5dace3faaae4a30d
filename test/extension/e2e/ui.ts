// Playwright helpers for the workbench: the command palette, the LaminDB view container, and finding
// an element inside any webview (webviews nest two frames down: iframe.webview > #active-frame).
import type { Frame, Locator, Page } from "playwright-core";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { E2E_ROOT } from "../../../scripts/ensure-code-server.mjs";
import { holderUrl } from "../../../server/connection/embedded";
import { EXTENSION_ID, REPO } from "./session";

/**
 * A screenshot of the workbench for the README's "first five minutes": always in .e2e/screenshots/, and
 * into docs/screenshots/ (the committed ones) when LAMIN_UPDATE_SCREENSHOTS=1.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(E2E_ROOT, "screenshots");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.LAMIN_UPDATE_SCREENSHOTS === "1") {
    mkdirSync(join(REPO, "docs", "screenshots"), { recursive: true });
    copyFileSync(file, join(REPO, "docs", "screenshots", `${name}.png`));
  }
}

/**
 * Runs a command from the palette, as a user would: F1 (with the workbench focused, not a webview, which
 * would take the key), the title typed, Enter once the matching row is the focused one.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press("Escape");
  // the title bar: focus in the workbench itself, outside any editor or webview
  await page.locator(".monaco-workbench .part.titlebar").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 30000 });
  await input.fill(`>${title}`);
  await page
    .locator(".quick-input-widget .monaco-list-row.focused", { hasText: title })
    .first()
    .waitFor({ timeout: 30000 });
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: 30000 });
}

export const CONTAINER = '.activitybar .action-item a[aria-label^="LaminDB"]';
export const TREE_ROWS = '[id="workbench.view.extension.lamindb"] .monaco-list-row';
/** The activity bar badge of the LaminDB container. */
export const BADGE = '.activitybar .action-item:has(a[aria-label^="LaminDB"]) .badge-content';

/**
 * In the notebook editor on screen, picks the kernel (a row of the kernel quick pick) and runs every cell
 * with the toolbar's Run All. No cell is hovered: the notebook's list scrolls by itself (not the page), so a
 * cell row can sit outside the viewport where the page cannot scroll it into view.
 */
export async function runNotebook(page: Page, kernel: string, label = kernel): Promise<void> {
  const editor = page.locator(".notebook-editor:visible").first();
  await editor.locator(".cell-list-container .code-cell-row").first().waitFor({ timeout: 60000 });
  const picker = page.locator(".notebook-toolbar-container a.kernel-label:visible").first();
  await picker.click();
  // picked by keyboard, as in runCommand: the kernel quick pick re-renders its rows while kernel sources
  // report in (a clicked row can be detached for as long as that lasts); Enter accepts the active item
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: 30000 });
  // the sources have reported (the picker's progress bar is done): its rows are no longer replaced
  await page.locator(".quick-input-widget .monaco-progress-container.active").waitFor({ state: "hidden" });
  await input.fill(label); // the quick pick filters on labels
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: kernel }).first();
  await row.waitFor({ timeout: 30000 });
  // unlike the command palette, the kernel pick does not always make the first filtered row the active
  // one (fresh clone 37: the only row shown, not focused): ArrowDown moves the focus from the input onto it
  const focused = page.locator(".quick-input-widget .monaco-list-row.focused", { hasText: kernel }).first();
  if (!(await focused.isVisible())) await page.keyboard.press("ArrowDown");
  await focused.waitFor({ timeout: 30000 });
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: 30000 });
  await page.locator(".notebook-toolbar-container a.kernel-label:visible", { hasText: label }).waitFor();
  await page
    .locator('.notebook-toolbar-container:visible a.action-label[aria-label^="Run All"]')
    .first()
    .click();
}

/** Polls every webview frame of the page until `selector` (with `hasText`) is found in one. */
export async function inFrames(
  page: Page,
  selector: string,
  options: { hasText?: string | RegExp; timeout?: number } = {},
): Promise<{ frame: Frame; locator: Locator }> {
  const end = Date.now() + (options.timeout ?? 30000);
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue; // only webviews
      const locator = frame.locator(selector, options.hasText ? { hasText: options.hasText } : {});
      if ((await locator.count().catch(() => 0)) > 0) return { frame, locator };
    }
    if (Date.now() > end) throw new Error(`no frame has ${selector} ${String(options.hasText ?? "")}`);
    await page.waitForTimeout(200);
  }
}

/** Runs `fn` on another connection (this process's default instance) to the embedded database the server holds. */
async function elsewhere<T>(
  userData: string,
  fn: (ln: typeof import("../../../db/index")) => Promise<T>,
): Promise<T> {
  const ln = await import("../../../db/index");
  const dir = join(userData, "User", "globalStorage", EXTENSION_ID, "db");
  // the holder's port and its secret (readable by this user only): as another window's server connects
  const url = holderUrl(dir);
  if (!url) throw new Error(`no server holds ${dir}`);
  const instance = await ln.connect({ url });
  try {
    return await fn(ln);
  } finally {
    await instance.close();
  }
}

/** Writes a started run through another connection; returns its uid. */
export function insertRunFromElsewhere(userData: string, key: string): Promise<string> {
  return elsewhere(userData, async ({ Run, Transform }) => {
    const transform = await new Transform({ key, kind: "pipeline" }).save();
    const run = await new Run(transform, { status: "started" }).save();
    return String(run.uid);
  });
}

/** Whether a run with this uid is in the database, in any branch (the trash included). */
export function runExists(userData: string, uid: string): Promise<boolean> {
  return elsewhere(userData, ({ Run }) => Run.filter({ uid }).exists());
}
