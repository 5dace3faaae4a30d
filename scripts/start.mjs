// `npm start`: a real VS Code with the extension on examples/, the embedded database and a real Python kernel.
// Builds, installs code-server when missing (scripts/ensure-code-server.mjs) and Debian's Python kernel
// (scripts/ensure-jupyter.mjs), installs the extension into an isolated extensions folder (package.json +
// dist/ + the server's runtime node_modules, linked), a Python kernel for notebooks (the Jupyter extension
// where an extension gallery is reachable, the companion "Python (Jupyter server)" in any case), loads the
// demo registry into a new embedded instance, starts code-server on 127.0.0.1 with Workspace Trust as usual,
// prints the URL and stays in the foreground until Ctrl-C, then stops the whole process group. A desktop
// `code` is used instead when one is installed (LAMIN_START=code-server forces code-server).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { COMPANION_ID, installCompanion } from "./companion.mjs";
import { codeServerBin, E2E_ROOT, ensureCodeServer, startCodeServer } from "./ensure-code-server.mjs";
import { ensureJupyter } from "./ensure-jupyter.mjs";

const repo = resolve(".");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const examples = join(repo, "examples");
const dir = join(E2E_ROOT, "start");

const build = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const desktop =
  process.env.LAMIN_START !== "code-server" &&
  spawnSync("code", ["--version"], { stdio: "ignore" }).status === 0;
if (desktop) {
  // a desktop VS Code: the repo itself is the development extension
  const child = spawn("code", ["--new-window", `--extensionDevelopmentPath=${repo}`, examples], {
    stdio: "inherit",
  });
  child.on("exit", (code) => process.exit(code ?? 0));
} else {
  ensureCodeServer();
  const extensions = join(dir, "extensions");
  const userData = join(dir, "user-data");
  const ext = join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(ext, { recursive: true, force: true });
  mkdirSync(ext, { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE"])
    if (existsSync(join(repo, f))) cpSync(join(repo, f), join(ext, f));
  cpSync(join(repo, "dist"), join(ext, "dist"), { recursive: true });
  if (existsSync(join(repo, "media"))) cpSync(join(repo, "media"), join(ext, "media"), { recursive: true });
  // the bundles keep PGlite (and the dialect stubs) external: link the repo's node_modules
  symlinkSync(join(repo, "node_modules"), join(ext, "node_modules"), "dir");
  pythonKernels(extensions, userData);
  loadDemoOnFirstStart(join(userData, "User", "globalStorage", `${pkg.publisher}.${pkg.name}`, "db"));
  const cs = await startCodeServer({
    folder: examples,
    dir,
    port: Number(process.env.PORT) || undefined,
    disableTrust: false,
    stdio: ["ignore", "inherit", "inherit"],
  });
  console.log(
    `\nLaminDB for VS Code is running in code-server ${cs.url}/?folder=${encodeURIComponent(examples)}`,
  );
  console.log("Open it in a browser; the embedded database lives in the extension's global storage.");
  console.log(`Profile and extensions: ${dir}. Press Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cs.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", stop);
}

/**
 * A Python kernel for the examples: Debian's ipykernel and jupyter-server (installed when missing), run by
 * the companion "Python (Jupyter server)"; and the Jupyter extension itself where an extension gallery can
 * be reached (the companion then leaves it the first choice). Offline, it says so once and goes on.
 */
function pythonKernels(extensions, userData) {
  try {
    const { python, ipykernel } = ensureJupyter();
    console.log(`Python kernel: ipykernel ${ipykernel} (${python})`);
  } catch (e) {
    console.log(`No Python kernel: ${e.message}\nPython notebooks will not run; everything else works.`);
    return;
  }
  installCompanion(extensions);
  const hasJupyter = readdirSync(extensions).some((d) => d.startsWith("ms-toolsai.jupyter-"));
  if (hasJupyter) return;
  const r = spawnSync(
    codeServerBin(),
    [
      "--user-data-dir",
      userData,
      "--extensions-dir",
      extensions,
      "--install-extension",
      "ms-toolsai.jupyter",
    ],
    { encoding: "utf8", timeout: 120000 },
  );
  if (r.status === 0 && readdirSync(extensions).some((d) => d.startsWith("ms-toolsai.jupyter-"))) {
    console.log("Installed the Jupyter extension (ms-toolsai.jupyter): Python notebooks use its kernels.");
    return;
  }
  const why =
    `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").at(-1) || r.error?.message || "no answer";
  console.log(
    `The Jupyter extension could not be installed (${why}): Python notebooks run on the companion kernel ` +
      `"Python (Jupyter server)" (${COMPANION_ID}), which drives VS Code as the Jupyter extension does.`,
  );
}

/** A new embedded instance gets the demo registry (real vocabularies, a small analysis): see server/demo/. */
function loadDemoOnFirstStart(dbDir) {
  if (existsSync(dbDir)) return;
  mkdirSync(dbDir, { recursive: true });
  console.log("First start: loading the demo registry into the embedded database (LaminDB: Load demo data)");
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repo, "scripts", "load-demo.ts"), dbDir], {
    cwd: repo,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    // an empty instance is better than a half-loaded one: the command can load it later
    rmSync(dbDir, { recursive: true, force: true });
    console.log("The demo data could not be loaded (see above); run LaminDB: Load demo data in VS Code.");
  }
}
