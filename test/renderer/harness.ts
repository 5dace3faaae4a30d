// Test harness for the renderer bundles: builds dist/renderer, serves it with harness.html on
// 127.0.0.1, and opens pages in Debian's headless Chromium through playwright-core.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildRenderers } from "../../scripts/build-renderer.mjs";
import { CHROMIUM_ARGS, ensureChromium } from "../../scripts/ensure-chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..", "..");
export const outputDir = join(repoRoot, ".test-output", "renderer");

export type Theme = "light" | "dark" | "hc";

/** The globals harness.html puts on window. */
export interface HarnessWindow {
  __xss: number;
  __posted: Array<Record<string, unknown>>;
  __send(message: unknown): void;
  __listenerCount(): number;
  __render(
    which: "describe" | "table",
    mime: string,
    text: string,
    id?: string,
  ): Promise<{ id: string; ms: number }>;
  __dispose(which: "describe" | "table", id?: string): Promise<void>;
  __prepare(which: "describe" | "table", mime: string, text: string, id: string): void;
  __renderPrepared(which: "describe" | "table", id: string): Promise<number>;
  __clear(): void;
  __modules: Record<string, Record<string, unknown>>;
  __frameText?: string;
  __ready?: boolean;
}

export interface Harness {
  browser: Browser;
  baseUrl: string;
  open(options?: {
    theme?: Theme;
    messaging?: boolean;
    width?: number;
    height?: number;
    timezoneId?: string;
  }): Promise<Page>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const file =
      path === "/" || path === "/harness.html"
        ? join(here, "harness.html")
        : path.startsWith("/dist/renderer/") && /^[\w.-]+\.js$/.test(path.slice("/dist/renderer/".length))
          ? join(repoRoot, path)
          : null;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const ext = file.slice(file.lastIndexOf("."));
        res.writeHead(200, {
          "content-type": TYPES[ext] ?? "application/octet-stream",
          "cache-control": "no-store",
        });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

export async function startHarness(): Promise<Harness> {
  const executablePath = ensureChromium();
  await buildRenderers();
  const server = await serve();
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // launch() gives every run a fresh temporary profile.
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  return {
    browser,
    baseUrl,
    async open({
      theme = "light",
      messaging = true,
      width = 1100,
      height = 800,
      timezoneId = "Europe/Berlin",
    } = {}) {
      // A non-UTC zone proves datetimes are shown in local time.
      const context = await browser.newContext({
        viewport: { width, height },
        deviceScaleFactor: 1,
        timezoneId,
      });
      const page = await context.newPage();
      page.on("pageerror", (error) => {
        throw new Error(`page error: ${error.message}`);
      });
      await page.goto(`${baseUrl}/harness.html?theme=${theme}&messaging=${messaging ? 1 : 0}`);
      await page.waitForFunction(() => (window as unknown as HarnessWindow).__ready === true);
      return page;
    },
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/** Renders `data` as one output item of `mime` and returns a selector for its element. */
export async function render(
  page: Page,
  which: "describe" | "table",
  mime: string,
  data: unknown,
  id?: string,
): Promise<string> {
  const text = JSON.stringify(data);
  const result = await page.evaluate(
    ([w, m, t, i]) =>
      (window as unknown as HarnessWindow).__render(w as "describe" | "table", m as string, t as string, i),
    [which, mime, text, id] as const,
  );
  return `#${result.id}`;
}

/** Two animation frames: what has been laid out has also been painted. */
export async function nextPaint(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok()))),
  );
}

export async function posted(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as HarnessWindow).__posted);
}

/** Delivers a message as the extension would (RendererContext.onDidReceiveMessage). */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate(
    (text) => (window as unknown as HarnessWindow).__send(JSON.parse(text)),
    JSON.stringify(message),
  );
}
