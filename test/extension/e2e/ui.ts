// Playwright helpers for the workbench: the command palette, the LaminDB view container, and finding
// an element inside any webview (webviews nest two frames down: iframe.webview > #active-frame).
import type { Frame, Locator, Page } from "playwright-core";
import { join } from "node:path";
import { readLockHolder } from "../../../db/index";
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

/** Writes a started run through another connection (this process's default instance) to the embedded database the server holds. */
export async function insertRunFromElsewhere(userData: string, key: string): Promise<string> {
  const { connect, Run, Transform } = await import("../../../db/index");
  const dir = join(userData, "User", "globalStorage", EXTENSION_ID, "db");
  const holder = readLockHolder(dir);
  if (!holder?.port) throw new Error(`no server holds ${dir}`);
  const ln = await connect({ url: `postgresql://postgres@127.0.0.1:${holder.port}/postgres` });
  try {
    const transform = await new Transform({ key, kind: "pipeline" }).save();
    const run = await new Run(transform, { status: "started" }).save();
    return String(run.uid);
  } finally {
    await ln.close();
  }
}
