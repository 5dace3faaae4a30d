// Makes sure Debian's Chromium is at /usr/bin/chromium for the renderer tests and bench.
// It is the only browser we use: never a downloaded one (`playwright install` is not allowed here).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless flags: no GPU, no network chatter, nothing that would make a run depend on the machine. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Installs Debian's chromium package when it is missing; returns the executable path. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  aptInstall(["chromium"], {
    why: "headless Chromium (renderer and end-to-end tests)",
    logFile: join(resolve(process.env.LAMIN_E2E_ROOT ?? ".e2e"), "logs", "apt-chromium.log"),
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is still missing after apt-get install`);
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureChromium());
}
