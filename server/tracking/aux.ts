// What the server stores on a tracked run, besides LaminDB's own columns:
// run._aux.lamin_vscode = { sessionId, serverPid, hostname, notebookUri, cells: [...] } and
// run.extra_data.environment = the kernel's name, language and version.
import { hostname } from "node:os";
import type { Run } from "../../db/index";

export interface CellRecord {
  index: number;
  executionOrder?: number;
  startTime?: number;
  endTime?: number;
  success?: boolean;
}

export interface TrackingAux {
  sessionId: string;
  serverPid: number;
  hostname: string;
  notebookUri: string;
  cells: CellRecord[];
}

/** Keeps the stored cell list bounded for notebooks executed many times in one session. */
const MAX_CELLS = 500;

export function newAux(sessionId: string, notebookUri: string): TrackingAux {
  return { sessionId, serverPid: process.pid, hostname: hostname(), notebookUri, cells: [] };
}

export function auxOf(run: Run): TrackingAux | undefined {
  const aux = run._aux as { lamin_vscode?: TrackingAux } | null | undefined;
  return aux && typeof aux === "object" ? aux.lamin_vscode : undefined;
}

export function setAux(run: Run, aux: TrackingAux): void {
  const base = run._aux && typeof run._aux === "object" ? (run._aux as Record<string, unknown>) : {};
  if (aux.cells.length > MAX_CELLS) aux.cells = aux.cells.slice(-MAX_CELLS);
  run._aux = { ...base, lamin_vscode: { ...aux, cells: [...aux.cells] } };
}
