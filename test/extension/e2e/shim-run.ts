// The body of fake-code.sh: VS Code CLI arguments in, the suite's exit code out.
import { dirname, join } from "node:path";
import { installCompanion } from "../../../scripts/companion.mjs";
import { startCodeServer } from "../../../scripts/ensure-code-server.mjs";
import { ensureJupyter } from "../../../scripts/ensure-jupyter.mjs";
import { installTestKernel, runSuite } from "./session";

const args = process.argv.slice(2);
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const folder = args.find((a) => !a.startsWith("--"));
const dev = opt("extensionDevelopmentPath");
const tests = opt("extensionTestsPath");
if (!folder || !dev || !tests) {
  console.error(
    "usage: fake-code.sh --extensionDevelopmentPath=.. --extensionTestsPath=.. [--user-data-dir=..] folder",
  );
  process.exit(2);
}
async function main(folder: string, dev: string, tests: string): Promise<number> {
  const dir = dirname(opt("user-data-dir") ?? join(folder, "..", "user-data"));
  await installTestKernel(join(dir, "extensions"));
  ensureJupyter();
  installCompanion(join(dir, "extensions"));
  const cs = await startCodeServer({ folder, dir, disableTrust: args.includes("--disable-workspace-trust") });
  try {
    const out = await runSuite(
      { dir, workspace: folder, cs, stop: cs.stop },
      tests,
      join(dirname(tests), "..", "results.json"),
      5 * 60_000,
      dev,
    );
    out.results.forEach((r) =>
      console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name} (${r.ms} ms)${r.ok ? "" : `\n${r.error}`}`),
    );
    return out.code === 0 ? 0 : 1;
  } finally {
    await cs.stop();
  }
}

main(folder, dev, tests).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
