// A real VS Code for `npm start` and the extension tests: code-server 4.100.3 (VS Code 1.100.3, the newest
// that runs on Node 20), installed by npm into .e2e/cs, and a helper that starts it in its own process
// group with every folder (user data, extensions, XDG) isolated. Offline recipe and its traps:
// ../shared/reference/vscode-e2e/README.md.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";

export const CODE_SERVER_VERSION = "4.100.3";
export const E2E_ROOT = resolve(process.env.LAMIN_E2E_ROOT ?? ".e2e");
const RIPGREP_VERSION = "1.15.11"; // @vscode/ripgrep as code-server 4.100.3 pins it

export function codeServerBin(root = E2E_ROOT) {
  return join(root, "cs", "node_modules", ".bin", "code-server");
}

/**
 * The installed version, or why there is none. Run with private XDG folders: on a machine where
 * code-server never ran, its first start writes a default config and says so on stdout before the version
 * (that line, read as the version, once made a good install look failed), and nothing lands in ~.
 */
function installedVersion(bin, root) {
  if (!existsSync(bin)) return { problem: `${bin} does not exist` };
  const xdg = join(root, "cs", "xdg");
  const r = spawnSync(bin, ["--version"], {
    encoding: "utf8",
    timeout: 120000,
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(xdg, "config"),
      XDG_DATA_HOME: join(xdg, "data"),
      XDG_CACHE_HOME: join(xdg, "cache"),
    },
  });
  const version = /^(\d+\.\d+\.\d+) /m.exec(r.stdout ?? "")?.[1];
  if (r.status === 0 && version) return { version };
  const said = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-5).join("\n");
  return {
    problem: `\`code-server --version\` ${r.error ? `failed: ${r.error.message}` : `exited ${r.status ?? r.signal}`}: ${said}`,
  };
}

/** Installs code-server when it is missing (idempotent: a no-op when the right version is there). */
export function ensureCodeServer({ root = E2E_ROOT, log = console.log } = {}) {
  const bin = codeServerBin(root);
  const before = installedVersion(bin, root);
  if (before.version === CODE_SERVER_VERSION) return bin;
  const started = Date.now();
  const dir = join(root, "cs");
  const logFile = join(dir, "install.log");
  // an older version, or what an interrupted install left: start from an empty folder
  if (existsSync(join(dir, "node_modules"))) {
    log(`code-server in ${dir} is unusable (${before.version ?? before.problem}): reinstalling from scratch`);
    rmSync(join(dir, "node_modules"), { recursive: true, force: true });
    rmSync(join(dir, "package-lock.json"), { force: true });
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute, once; log: ${logFile})`);
  const tmp = join(root, "tmp");
  mkdirSync(tmp, { recursive: true });
  // kerberos builds against gssapi headers; Debian's rg replaces @vscode/ripgrep's GitHub download.
  aptInstall(["libkrb5-dev", "ripgrep"], {
    why: "code-server (npm start and the end-to-end tests)",
    logFile: join(root, "logs", "apt-code-server.log"),
    log,
  });
  const cache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_VERSION}`);
  const stage = join(tmp, "rgstage");
  mkdirSync(cache, { recursive: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync("/usr/bin/rg", join(stage, "rg"));
  execFileSync("tar", [
    "czf",
    join(cache, "ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"),
    "-C",
    stage,
    "rg",
  ]);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "package.json"))) {
    // npm 11 asks for install scripts to be approved: code-server's postinstall builds its native modules
    const allowScripts = { "code-server": true, argon2: true };
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "cs", private: true, allowScripts }, null, 2),
    );
  }
  // --unsafe-perm: code-server's postinstall needs it as root; npm_config_yes: node-pty runs `npx node-gyp`.
  const r = spawnSync(
    "npm",
    [
      "install",
      "--unsafe-perm",
      "--foreground-scripts",
      "--no-audit",
      "--no-fund",
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, TMPDIR: tmp, npm_config_yes: "true" },
    },
  );
  writeFileSync(
    logFile,
    `$ npm install code-server@${CODE_SERVER_VERSION} (exit ${r.status ?? r.signal}${r.error ? `, ${r.error.message}` : ""})\n${r.stdout}\n${r.stderr}`,
  );
  // judged by the result: optional native parts (argon2, only for password auth) may fail offline
  const after = installedVersion(bin, root);
  if (after.version !== CODE_SERVER_VERSION) {
    const npmTail = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-8).join("\n");
    throw new Error(
      `code-server ${CODE_SERVER_VERSION} is not usable after \`npm install\` (npm exit ${r.status ?? r.signal}): ` +
        `${after.version ? `found version ${after.version}` : after.problem}\n` +
        `last lines of npm's output:\n${npmTail}\nfull log: ${logFile}`,
    );
  }
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return bin;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolvePort(port));
    });
    s.on("error", reject);
  });
}

async function waitHealthy(url, child, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`);
}

/**
 * Starts code-server on 127.0.0.1 in its own process group (setsid semantics via `detached`), with user
 * data, extensions and XDG folders under `dir`. `trust: false` keeps Workspace Trust on (the default
 * VS Code behaviour); `true` disables it, as the recipe does for tests. stop() ends the whole group.
 */
export async function startCodeServer({
  folder,
  dir,
  port,
  disableTrust = true,
  env = {},
  log = () => {},
  stdio,
}) {
  const bin = codeServerBin();
  const userData = join(dir, "user-data");
  const extensions = join(dir, "extensions");
  for (const d of [
    userData,
    extensions,
    join(dir, "xdg", "config"),
    join(dir, "xdg", "data"),
    join(dir, "xdg", "cache"),
    join(dir, "tmp"),
  ]) {
    mkdirSync(d, { recursive: true });
  }
  const p = port ?? (await freePort());
  const configFile = join(dir, "config.yaml");
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${p}\nauth: none\ncert: false\n`);
  const args = [
    "--config",
    configFile,
    "--auth",
    "none",
    "--bind-addr",
    `127.0.0.1:${p}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
    ...(disableTrust ? ["--disable-workspace-trust"] : []),
    "--user-data-dir",
    userData,
    "--extensions-dir",
    extensions,
    folder,
  ];
  const child = spawn(bin, args, {
    detached: true,
    stdio: stdio ?? ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(dir, "xdg", "config"),
      XDG_DATA_HOME: join(dir, "xdg", "data"),
      XDG_CACHE_HOME: join(dir, "xdg", "cache"),
      TMPDIR: join(dir, "tmp"),
      ...env,
    },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${p}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const kill = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // group already gone
      }
    };
    kill("SIGTERM");
    const end = Date.now() + 3000;
    while (Date.now() < end && child.exitCode === null && child.signalCode === null)
      await new Promise((r) => setTimeout(r, 50));
    kill("SIGKILL"); // children (extension host, servers) may outlive the top process
  };
  try {
    await waitHealthy(url, child, 30000);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n${output.slice(-2000)}`, { cause: e });
  }
  log(`code-server on ${url} (pid group ${child.pid})`);
  return { url, port: p, pid: child.pid, userData, extensions, stop, output: () => output };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureCodeServer());
}
