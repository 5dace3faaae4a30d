// Builds the protocol's NotebookInfo from plain data (no vscode import, so it is unit-tested in Node).
import type { NotebookInfo } from "../../server/protocol";

export interface PlainCell {
  kind: "code" | "markup";
  languageId: string;
  text: string;
  /** The cell's metadata as VS Code exposes it (the ipynb serializer nests the Jupyter metadata). */
  metadata?: Record<string, unknown>;
}

export interface PlainNotebook {
  uri: string;
  key: string;
  cells: PlainCell[];
  metadata?: Record<string, unknown>;
}

/** How a notebook's Transform key is made (`lamindb.tracking.notebookKey`, `lamindb.tracking.devDir`). */
export interface KeyConvention {
  /** "workspace": the path relative to the workspace folder; "lamindb": LaminDB's own convention. */
  mode: "workspace" | "lamindb";
  /** LaminDB's dev_dir (lamindb-setup): keys are relative to it for notebooks inside it. */
  devDir?: string;
}

/**
 * LaminDB's key for a notebook (what ln.track() uses): its path relative to `devDir` when it lies inside
 * it, else its bare file name. Paths are posix or Windows; the key is posix.
 */
export function laminKey(path: string, devDir: string | undefined): string {
  const norm = (p: string) => p.replace(/\\/g, "/");
  const file = norm(path);
  const name = file.slice(file.lastIndexOf("/") + 1);
  if (!devDir) return name;
  const dir = norm(devDir).replace(/\/+$/, "");
  return dir && file.startsWith(dir + "/") ? file.slice(dir.length + 1) : name;
}

/** Separates code cells in the Transform's source: jupytext's py:percent cell marker. */
export const CELL_SEPARATOR = "\n\n# %%\n";

export function buildNotebookInfo(nb: PlainNotebook): NotebookInfo {
  const code = nb.cells.filter((c) => c.kind === "code");
  const info: NotebookInfo = {
    uri: nb.uri,
    key: nb.key,
    source: code.map((c) => c.text.replace(/\s+$/, "")).join(CELL_SEPARATOR),
  };
  const title = findTitle(nb.cells);
  if (title) info.title = title;
  const params = findParamsCell(code);
  if (params) info.paramsSource = params.text;
  const kernel = kernelInfo(jupyterMetadata(nb.metadata));
  if (kernel) info.kernel = kernel;
  return info;
}

/** The first markdown line starting with "# " (LaminDB's notebook title). */
export function findTitle(cells: PlainCell[]): string | undefined {
  for (const cell of cells) {
    if (cell.kind !== "markup") continue;
    for (const line of cell.text.split(/\r?\n/)) {
      const m = /^#\s+(.+?)\s*#*\s*$/.exec(line);
      if (m) return m[1];
    }
  }
  return undefined;
}

export function cellTags(metadata: Record<string, unknown> | undefined): string[] {
  const md = jupyterMetadata(metadata);
  const tags = md?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** papermill's convention: the (first) cell tagged "parameters"; the server reads its source. */
function findParamsCell(code: PlainCell[]): PlainCell | undefined {
  return code.find((c) => cellTags(c.metadata).includes("parameters"));
}

function kernelInfo(md: Record<string, unknown> | undefined): NotebookInfo["kernel"] | undefined {
  const spec = asRecord(md?.kernelspec);
  const lang = asRecord(md?.language_info);
  const kernel: NonNullable<NotebookInfo["kernel"]> = {};
  if (typeof spec?.name === "string") kernel.id = spec.name;
  const name = spec?.display_name ?? spec?.name;
  if (typeof name === "string") kernel.name = name;
  const language = lang?.name ?? spec?.language;
  if (typeof language === "string") kernel.language = language;
  if (typeof lang?.version === "string") kernel.version = lang.version;
  return Object.keys(kernel).length ? kernel : undefined;
}

/**
 * The Jupyter metadata: VS Code's ipynb serializer keeps it under `metadata` (1.8x and later) or
 * `custom.metadata` (older); other serializers put it at the top level.
 */
export function jupyterMetadata(
  md: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!md) return undefined;
  return asRecord(md.metadata) ?? asRecord(asRecord(md.custom)?.metadata) ?? md;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
