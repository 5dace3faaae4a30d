// The Python kernelspec the server starts ("python3") and the interpreter it names. The kernelspec runs its
// interpreter by absolute path (Debian's: /usr/bin/python3); the jupyter-server is started with that same
// interpreter, never with whatever `python3` comes first on PATH (often another Python without ipykernel).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { promisify } from "node:util";

export const KERNEL_NAME = "python3";

export interface Kernelspec {
  name: string;
  display_name: string;
  language: string;
  /** The interpreter of argv[0], an absolute path. */
  python: string;
  file: string;
}

/** Where Jupyter looks for kernelspecs, user folders left out (the server runs with a private data dir). */
function kernelDirs(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env.JUPYTER_PATH ?? "").split(delimiter).filter(Boolean);
  return [...fromEnv, "/usr/local/share/jupyter", "/usr/share/jupyter"].map((d) => join(d, "kernels"));
}

export class MissingKernelError extends Error {
  override name = "MissingKernelError";
}

export function findKernelspec(env: NodeJS.ProcessEnv = process.env): Kernelspec {
  for (const dir of kernelDirs(env)) {
    const file = join(dir, KERNEL_NAME, "kernel.json");
    if (!existsSync(file)) continue;
    const spec = JSON.parse(readFileSync(file, "utf8")) as {
      argv?: unknown;
      display_name?: unknown;
      language?: unknown;
    };
    const python = Array.isArray(spec.argv) ? spec.argv[0] : undefined;
    if (typeof python !== "string" || !isAbsolute(python) || !existsSync(python)) continue;
    return {
      name: KERNEL_NAME,
      display_name: typeof spec.display_name === "string" ? spec.display_name : "Python 3 (ipykernel)",
      language: typeof spec.language === "string" ? spec.language : "python",
      python,
      file,
    };
  }
  throw new MissingKernelError(
    "No Python kernel found (looked for kernels/python3/kernel.json under /usr/share/jupyter and " +
      "/usr/local/share/jupyter). Install Debian's python3-ipykernel and jupyter-server " +
      "(`npm start` and `npm test` do this), then reload the window.",
  );
}

/** The interpreter's version, for the notebook's language_info before the kernel answers kernel_info. */
export async function pythonVersion(python: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      python,
      ["-c", "import platform; print(platform.python_version())"],
      {
        timeout: 20000,
      },
    );
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
