// Playwright helpers for the workbench: the command palette, the LaminDB view container, and finding
// an element inside any webview (webviews nest two frames down: iframe.webview > #active-frame).
import type { Frame, Locator, Page } from "playwright-core";
import { join } from "node:path";
import { holderUrl } from "../../../server/connection/embedded";
import { EXTENSION_ID } from "./session";

export async function runCommand(page: Page, title: string): Promise<void> {
  // the palette may open before the workbench has focus or its command list: retry a few times
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape");
    await page.locator(".monaco-workbench").click({ position: { x: 700, y: 5 } });
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input").first();
    try {
      await input.waitFor({ timeout: 5000 });
      await input.fill(`>${title}`);
      const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
      await row.click({ timeout: 5000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

export const CONTAINER = '.activitybar .action-item a[aria-label^="LaminDB"]';
export const TREE_ROWS = '[id="workbench.view.extension.lamindb"] .monaco-list-row';
/** The activity bar badge of the LaminDB container. */
export const BADGE = '.activitybar .action-item:has(a[aria-label^="LaminDB"]) .badge-content';

/**
 * In the notebook editor on screen, picks the kernel (a row of the kernel quick pick) and runs the first
 * code cell. Restored tabs keep hidden notebook editors in the DOM, hence `:visible` everywhere.
 */
export async function runFirstCell(page: Page, kernel: string): Promise<void> {
  const cell = page.locator(".notebook-editor .cell-list-container .code-cell-row:visible").first();
  await cell.waitFor({ timeout: 60000 });
  await page
    .locator(
      ".notebook-toolbar-container a.kernel-label:visible, .notebook-toolbar-container [aria-label*='Kernel']:visible",
    )
    .first()
    .click();
  await page
    .locator(".quick-input-widget .quick-input-list .monaco-list-row", { hasText: kernel })
    .first()
    .click({ timeout: 15000 });
  await cell.hover();
  await cell.locator(".run-button-container .action-label, .run-button-container a").first().click();
}

/**
 * Acts on a tree row until the action's effect shows. A view refresh re-creates its rows, and VS Code
 * drops the old rows' commands before the new rows arrive: a click in that moment does nothing (the
 * extension host logs "Actual command not found"). A user would click again; so does this.
 */
export async function onTreeRow<T>(
  act: () => Promise<void>,
  effect: () => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await act();
    try {
      return await effect();
    } catch (e) {
      if (attempt >= attempts) throw e;
    }
  }
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
