// Makes sure Debian's Chromium is at /usr/bin/chromium for the renderer tests and bench.
// It is the only browser we use: never a downloaded one (`playwright install` is not allowed here).
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

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
  console.log("chromium not found: installing Debian's chromium package");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
    stdio: "inherit",
    shell: "/bin/bash",
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is still missing after apt-get install`);
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureChromium());
}
