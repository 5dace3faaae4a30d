// The test workspace: small notebooks written as nbformat 4 JSON, one per scenario.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Cell {
  md?: string;
  code?: string;
  /** A raw cell (nbformat "raw"; VS Code shows it as a code cell of language "raw"). */
  raw?: string;
  tags?: string[];
  /** A code cell's language other than the notebook's Python (VS Code reads metadata.vscode.languageId). */
  language?: string;
}

export function ipynb(cells: Cell[]): string {
  return JSON.stringify(
    {
      cells: cells.map((c) =>
        c.md !== undefined
          ? { cell_type: "markdown", metadata: {}, source: c.md }
          : c.raw !== undefined
            ? { cell_type: "raw", metadata: {}, source: c.raw }
            : {
                cell_type: "code",
                execution_count: null,
                metadata: {
                  ...(c.tags ? { tags: c.tags } : {}),
                  ...(c.language ? { vscode: { languageId: c.language } } : {}),
                },
                outputs: [],
                source: c.code,
              },
      ),
      metadata: {
        kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
        language_info: { name: "python", version: "3.12.4" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

/**
 * Real Python for the real kernel (ipykernel); the notebooks' own language_info (3.12.4) is not the
 * kernel's, so a run's environment shows which one it came from. `# sleep:`/`# hang` are for the stand-in.
 */
export const NOTEBOOKS: Record<string, Cell[]> = {
  "track.ipynb": [
    { md: "# Tracking demo" },
    { code: 'alpha = 0.5\nlabel = "pbmc"\ngenes = ["CD3E", "CD19"]', tags: ["parameters"] },
    { code: "import time\ntime.sleep(0.3)\nscore = alpha * 2" },
    { code: "score" },
  ],
  "fail.ipynb": [{ code: "x = 1" }, { code: 'raise ValueError("boom")' }, { code: "y = 2" }],
  "interrupt.ipynb": [{ code: "import time\ntime.sleep(120)" }, { code: "after = 1" }],
  "restart.ipynb": [{ code: "x = 1" }, { code: "import time\ntime.sleep(120)" }, { code: "after = 1" }],
  "death.ipynb": [{ code: "x = 1" }, { code: "import time\ntime.sleep(120)" }, { code: "after = 1" }],
  "queued.ipynb": [
    { code: "import time\ntime.sleep(0.4)\nprint('one')" },
    { code: "time.sleep(0.4)\nprint('two')" },
    { code: "time.sleep(0.4)\nprint('three')" },
    { code: "print('four')" },
  ],
  "empty.ipynb": [
    { code: "x = 1" },
    { code: "" },
    { code: "# only a comment" },
    { code: "   \n" },
    { raw: "raw text, never executed" },
  ],
  "first.ipynb": [{ code: "import sys\nsys.version" }],
  "version.ipynb": [{ code: "a = 1" }, { code: "b = 2" }],
  "queue.ipynb": [{ code: "q = 1" }, { code: "q += 1" }],
  "watchdog.ipynb": [{ code: "w = 1" }],
  "outage.ipynb": [{ code: "o = 1" }, { code: 'raise ValueError("while the database is down")' }],
  "close.ipynb": [{ code: "c = 1" }, { code: "import time\ntime.sleep(120)" }],
  "standin.ipynb": [{ code: "x = 1" }, { code: "# hang\nwhile True: pass" }],
  "complete.ipynb": [{ code: 'import lamindb as ln\nln.ULabel.get(name="' }],
  "ui.ipynb": [
    { md: "# UI demo" },
    { code: 'cell_type = "T cell"', tags: ["parameters"] },
    {
      code:
        "import pandas as pd\n" +
        'pd.set_option("display.html.table_schema", True)\n' +
        'pd.DataFrame({"cell_type": [cell_type, "B cell", "NK cell"], "n_cells": [1520, 830, 310]})',
    },
  ],
  "untrusted.ipynb": [{ code: "x = 1" }],
  "running.ipynb": [{ code: "import time\ntime.sleep(4)\nx = 1" }],
  "query.ipynb": [
    { code: 'await ln.Run.filter({ status: "errored" }).toDataFrame()', language: "javascript" },
  ],
  // the packaged .vsix: a query cell that saves a ULabel; its value renders as describe()
  "vsix.ipynb": [
    {
      code: 'await new ln.ULabel({ name: ["vsix", "label", "e2e"].join("-"), description: "from the .vsix" }).save()',
      language: "javascript",
    },
  ],
  "kernel.ipynb": [
    { code: 'await ln.Run.filter({ status: "errored" }).toDataFrame()', language: "javascript" },
    { code: 'await ln.Run.get({ uid: "nope" })', language: "javascript" },
  ],
};

export function writeWorkspace(dir: string, names = Object.keys(NOTEBOOKS)): void {
  mkdirSync(join(dir, "notebooks"), { recursive: true });
  // the UI tests open their notebooks from the Explorer's first level
  const top = new Set(["ui.ipynb", "query.ipynb", "vsix.ipynb"]);
  for (const name of names)
    writeFileSync(join(dir, top.has(name) ? "" : "notebooks", name), ipynb(NOTEBOOKS[name]));
}
