// Notebooks that call LaminDB's tracking (`import lamindb as ln`: the stand-in module of
// test/fixtures/python on the kernel's PYTHONPATH), one per scenario of suite/lamin-scenarios.ts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ipynb, type Cell } from "./workspace";

/** Transform uids the notebooks pass to ln.track(): a stem (12 characters) and a whole uid (16). */
export const STEM_12 = "LnTrackStem0";
export const UID_16 = "LnTrackWhole0000";

const TRACK = "import lamindb as ln\nln.track()";

export const LAMIN_NOTEBOOKS: Record<string, Cell[]> = {
  "ln-track.ipynb": [{ code: TRACK }, { code: "x = 1" }, { code: "y = x + 1\ny" }],
  "ln-finish.ipynb": [{ code: TRACK }, { code: "x = 1" }, { code: "ln.finish()" }],
  "ln-above.ipynb": [{ code: "a = 1" }, { code: TRACK }, { code: "b = a + 1" }],
  "ln-restart.ipynb": [{ code: TRACK }, { code: "r = 1" }],
  "ln-commented.ipynb": [{ code: "import lamindb as ln\n# ln.track()" }, { code: "c = 1" }],
  "ln-stem.ipynb": [
    { code: `import lamindb as ln\nln.track(${JSON.stringify(STEM_12)})` },
    { code: "s = 1" },
  ],
  "ln-uid.ipynb": [{ code: `import lamindb as ln\nln.track(${JSON.stringify(UID_16)})` }, { code: "u = 1" }],
};

export function writeLaminNotebooks(workspace: string): void {
  mkdirSync(join(workspace, "notebooks"), { recursive: true });
  for (const [name, cells] of Object.entries(LAMIN_NOTEBOOKS))
    writeFileSync(join(workspace, "notebooks", name), ipynb(cells));
}
