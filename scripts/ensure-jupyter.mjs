// A real Python kernel for `npm start` and the tests: Debian's python3-ipykernel, jupyter-server,
// python3-pandas (pandas: DataFrames in the table renderer) and python3-psycopg2 (the tests' stand-in for
// LaminDB's client, test/fixtures/python/lamindb, writes through it), installed when missing. Returns the kernelspec's
// interpreter: the absolute path its argv names (Debian's /usr/bin/python3), never a `python3` from PATH,
// which may be another interpreter without ipykernel.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { aptInstall } from "./apt.mjs";
import { E2E_ROOT } from "./ensure-code-server.mjs";

export const JUPYTER_PACKAGES = ["python3-ipykernel", "jupyter-server", "python3-pandas", "python3-psycopg2"];
export const KERNELSPEC = "/usr/share/jupyter/kernels/python3/kernel.json";

export function ensureJupyter({ log = console.log } = {}) {
  aptInstall(JUPYTER_PACKAGES, {
    why: "the Python kernel (Python notebooks in npm start and the tests)",
    logFile: join(E2E_ROOT, "logs", "apt-jupyter.log"),
    log,
  });
  if (!existsSync(KERNELSPEC))
    throw new Error(`${KERNELSPEC} is missing although python3-ipykernel is installed`);
  const python = JSON.parse(readFileSync(KERNELSPEC, "utf8")).argv?.[0];
  if (typeof python !== "string" || !python.startsWith("/"))
    throw new Error(`${KERNELSPEC} does not name its interpreter by absolute path`);
  const check = spawnSync(
    python,
    ["-c", "import ipykernel, jupyter_server, pandas, psycopg2; print(ipykernel.__version__)"],
    {
      encoding: "utf8",
    },
  );
  if (check.status !== 0)
    throw new Error(
      `${python} cannot import ipykernel, jupyter_server, pandas and psycopg2:\n${check.stderr}`,
    );
  return { python, ipykernel: check.stdout.trim() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureJupyter());
}
