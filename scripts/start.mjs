// `npm start`: a real VS Code with the extension on examples/ and the embedded database.
// Builds, installs code-server when missing (scripts/ensure-code-server.mjs), installs the extension
// into an isolated extensions folder (package.json + dist/ + the server's runtime node_modules, linked),
// starts code-server on 127.0.0.1 with Workspace Trust as usual, prints the URL and stays in the
// foreground until Ctrl-C, then stops the whole process group. A desktop `code` is used instead when
// one is installed (LAMIN_START=code-server forces code-server).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { E2E_ROOT, ensureCodeServer, startCodeServer } from "./ensure-code-server.mjs";

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
  const ext = join(dir, "extensions", `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(ext, { recursive: true, force: true });
  mkdirSync(ext, { recursive: true });
  for (const f of ["package.json", "README.md", "LICENSE"])
    if (existsSync(join(repo, f))) cpSync(join(repo, f), join(ext, f));
  cpSync(join(repo, "dist"), join(ext, "dist"), { recursive: true });
  if (existsSync(join(repo, "media"))) cpSync(join(repo, "media"), join(ext, "media"), { recursive: true });
  // the bundles keep PGlite (and the dialect stubs) external: link the repo's node_modules
  symlinkSync(join(repo, "node_modules"), join(ext, "node_modules"), "dir");
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
