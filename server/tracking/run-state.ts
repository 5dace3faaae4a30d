// What the server stores on a tracked run, besides LaminDB's own columns:
// run._aux.lamin_vscode = { sessionId, serverPid, hostname, notebookUri, cells: [...], failed, ended }
// and run.extra_data.environment = the kernel's name, language and version. It holds everything the
// tracker needs to pick a run up again in another server process (a restart, a replayed queue).
import { hostname } from "node:os";
import type { Run } from "../../db/index";

export interface CellRecord {
  index: number;
  executionOrder?: number;
  startTime?: number;
  endTime?: number;
  success?: boolean;
  /** Ended with timing but no success: a kernel restart or an interrupt stopped it. */
  cancelled?: boolean;
}

export interface TrackingAux {
  /** The VS Code session whose notebook execution this run is. */
  sessionId: string;
  /** The server process that last wrote the run: while it lives, recoverRuns leaves the run alone. */
  serverPid: number;
  hostname: string;
  notebookUri: string;
  cells: CellRecord[];
  /** A cell failed since the run last went idle: the next idle ends it as errored. */
  failed?: boolean;
  /** A kernel restart or the notebook closing ended the run's session: it is never resumed. */
  ended?: boolean;
  /** LaminDB's own run (the notebook calls ln.track()), adopted: LaminDB owns its status and source. */
  adopted?: boolean;
  /** The run before it in the same VS Code session, tracked the other way (initiated_by_run). */
  initiatedBy?: number;
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

/** Writes the tracking state onto the run, naming this process as the one that owns it now. */
export function setAux(run: Run, aux: TrackingAux): void {
  const base = run._aux && typeof run._aux === "object" ? (run._aux as Record<string, unknown>) : {};
  run._aux = { ...base, lamin_vscode: auxToStore(aux) };
}

/** The tracking state as stored (bounded, naming this process as the one that owns the run now). */
export function auxToStore(aux: TrackingAux): TrackingAux {
  if (aux.cells.length > MAX_CELLS) aux.cells = aux.cells.slice(-MAX_CELLS);
  aux.serverPid = process.pid;
  aux.hostname = hostname();
  return { ...aux, cells: aux.cells.map((c) => ({ ...c })) };
}

/** The highest execution order and the last end among the recorded cells. */
export function cellsSummary(cells: readonly CellRecord[]): { lastOrder: number; lastEnd?: number } {
  let lastOrder = 0;
  let lastEnd: number | undefined;
  for (const c of cells) {
    if (c.executionOrder !== undefined) lastOrder = Math.max(lastOrder, c.executionOrder);
    if (c.endTime !== undefined) lastEnd = Math.max(lastEnd ?? c.endTime, c.endTime);
  }
  return { lastOrder, lastEnd };
}
