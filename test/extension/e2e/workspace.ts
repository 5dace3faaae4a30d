// The test workspace: small notebooks written as nbformat 4 JSON, one per scenario.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Cell {
  md?: string;
  code?: string;
  tags?: string[];
  /** A code cell's language other than the notebook's Python (VS Code reads metadata.vscode.languageId). */
  language?: string;
}

function ipynb(cells: Cell[]): string {
  return JSON.stringify(
    {
      cells: cells.map((c) =>
        c.md !== undefined
          ? { cell_type: "markdown", metadata: {}, source: c.md }
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

export const NOTEBOOKS: Record<string, Cell[]> = {
  "track.ipynb": [
    { md: "# Tracking demo" },
    { code: 'alpha = 0.5\nlabel = "pbmc"\ngenes = ["CD3E", "CD19"]', tags: ["parameters"] },
    { code: "import lamindb as ln\n# sleep: 60" },
    { code: "result = alpha * 2" },
  ],
  "fail.ipynb": [{ code: "x = 1" }, { code: 'raise ValueError("boom")' }, { code: "y = 2" }],
  "restart.ipynb": [{ code: "x = 1" }, { code: "# hang\nwhile True: pass" }],
  "version.ipynb": [{ code: "a = 1" }, { code: "b = 2" }],
  "queue.ipynb": [{ code: "q = 1" }, { code: "q += 1" }],
  "outage.ipynb": [{ code: "o = 1" }, { code: 'raise ValueError("while the database is down")' }],
  "close.ipynb": [{ code: "c = 1" }, { code: "# hang\nwhile True: pass" }],
  "complete.ipynb": [{ code: 'import lamindb as ln\nln.ULabel.get(name="' }],
  "ui.ipynb": [{ md: "# UI demo" }, { code: 'ln.ULabel.get(name="T cell").describe()' }],
  "untrusted.ipynb": [{ code: "x = 1" }],
  "running.ipynb": [{ code: "x = 1\n# sleep: 4000" }],
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
