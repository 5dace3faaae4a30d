// Watches every notebook's executions (any controller: Jupyter, ours, a test kernel) through the
// stable workspace.onDidChangeNotebookDocument API and hands tracking events to the sender.
import * as vscode from "vscode";
import { randomUUID } from "node:crypto";
import type { NotebookInfo, TrackEvent } from "../../server/protocol";
import { DESCRIBE_SCHEME } from "../commands/ids";
import { Disposable } from "../util/disposable";
import { type ExecutionEvent, NotebookExecutions } from "./executions";
import { matchesAny } from "./glob";
import { KernelStatusWatch } from "./kernel-status";
import { buildNotebookInfo, laminKey, type KeyConvention, type PlainCell } from "./notebook-info";
import { TEXT_OUTPUT_MIMES, trackOutputOf } from "./track-output";

export interface ObserverOptions {
  /** This VS Code session (vscode.env.sessionId): every event names it. */
  sessionId: string;
  /** Whether tracking is on now (setting, and workspace trust). */
  enabled: () => boolean;
  exclude: () => string[];
  /** How Transform keys are made (the workspace's paths, or LaminDB's convention). */
  keyConvention?: () => KeyConvention;
  emit: (event: TrackEvent) => void;
  /** A cell of a tracked notebook started running (the notebook saved before ln.finish() reads it). */
  cellStarted?: (nb: vscode.NotebookDocument, cell: vscode.NotebookCell) => void;
  settleMs?: number;
}

export class NotebookObserver extends Disposable {
  private readonly notebooks = new Map<vscode.NotebookDocument, NotebookExecutions<vscode.NotebookCell>>();
  private readonly kernels = this.track(
    new KernelStatusWatch((nb) => {
      if (this.isTracked(nb)) this.notebooks.get(nb)?.kernelStopped();
    }),
  );

  constructor(private readonly options: ObserverOptions) {
    super();
    this.track(vscode.workspace.onDidChangeNotebookDocument((e) => this.onChange(e)));
    this.track(vscode.workspace.onDidCloseNotebookDocument((nb) => this.onClose(nb)));
    this.track({ dispose: () => this.notebooks.forEach((n) => n.dispose()) });
  }

  /** Whether `nb` is tracked at all: a saved file, not excluded, tracking on. */
  isTracked(nb: vscode.NotebookDocument): boolean {
    if (!this.options.enabled() || nb.isUntitled || nb.notebookType === "interactive") return false;
    if (nb.uri.scheme === DESCRIBE_SCHEME) return false; // a run's describe(), read-only
    return !matchesAny(notebookKey(nb.uri), this.options.exclude());
  }

  private onChange(e: vscode.NotebookDocumentChangeEvent): void {
    const changes = e.cellChanges.filter((c) => c.executionSummary !== undefined);
    if (changes.length === 0 || !this.isTracked(e.notebook)) return;
    const executions = this.executionsOf(e.notebook);
    for (const c of changes) {
      const s = c.executionSummary!;
      executions.update(
        c.cell,
        {
          index: c.cell.index,
          executionOrder: s.executionOrder,
          success: s.success,
          timing: s.timing ? { startTime: s.timing.startTime, endTime: s.timing.endTime } : undefined,
        },
        { runs: mayRun(c.cell) },
      );
    }
  }

  private onClose(nb: vscode.NotebookDocument): void {
    const executions = this.notebooks.get(nb);
    if (!executions) return;
    executions.dispose();
    this.notebooks.delete(nb);
    this.options.emit({ type: "notebookClosed", notebookUri: nb.uri.toString(), ...this.stamp() });
  }

  private stamp(): { eventId: string; at: number; sessionId: string } {
    return { eventId: randomUUID(), at: Date.now(), sessionId: this.options.sessionId };
  }

  private executionsOf(nb: vscode.NotebookDocument): NotebookExecutions<vscode.NotebookCell> {
    let ex = this.notebooks.get(nb);
    if (!ex) {
      ex = new NotebookExecutions({ emit: (e) => this.forward(nb, e), settleMs: this.options.settleMs });
      this.notebooks.set(nb, ex);
    }
    return ex;
  }

  private forward(nb: vscode.NotebookDocument, e: ExecutionEvent): void {
    const notebookUri = nb.uri.toString();
    switch (e.type) {
      case "cellStarted":
        this.kernels.watch(nb);
        if (e.cell.index < nb.cellCount) this.options.cellStarted?.(nb, nb.cellAt(e.cell.index));
        return this.options.emit({
          type: "cellStarted",
          notebook: notebookInfo(nb, this.options.keyConvention?.()),
          cell: e.cell,
          ...this.stamp(),
        });
      case "cellFinished": {
        const trackOutput = e.cell.index < nb.cellCount ? textOutput(nb.cellAt(e.cell.index)) : undefined;
        return this.options.emit({
          type: "cellFinished",
          notebook: notebookInfo(nb, this.options.keyConvention?.()),
          cell: trackOutput === undefined ? e.cell : { ...e.cell, trackOutput },
          ...this.stamp(),
        });
      }
      case "cellCancelled":
        return this.options.emit({ type: "cellCancelled", notebookUri, cell: e.cell, ...this.stamp() });
      case "kernelRestarted":
        return this.options.emit({ type: "kernelRestarted", notebookUri, ...this.stamp() });
      case "executionIdle":
        return this.options.emit({ type: "executionIdle", notebookUri, ...this.stamp() });
    }
  }
}

/** The line LaminDB's ln.track() printed in the cell, if it did (the server adopts that run). */
function textOutput(cell: vscode.NotebookCell): string | undefined {
  const decoder = new TextDecoder();
  const texts: string[] = [];
  for (const output of cell.outputs)
    for (const item of output.items)
      if (TEXT_OUTPUT_MIMES.has(item.mime)) texts.push(decoder.decode(item.data));
  return trackOutputOf(texts);
}

/** Whether a Jupyter kernel runs this cell at all: not an empty or whitespace-only cell, not a raw one. */
function mayRun(cell: vscode.NotebookCell): boolean {
  return (
    cell.kind === vscode.NotebookCellKind.Code &&
    cell.document.languageId !== "raw" &&
    cell.document.getText().trim().length > 0
  );
}

/** The Transform key: the path relative to its workspace folder (posix), else the file name. */
export function notebookKey(uri: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder) return vscode.workspace.asRelativePath(uri, false).replace(/\\/g, "/");
  return uri.path.split("/").pop() ?? uri.path;
}

export function notebookInfo(nb: vscode.NotebookDocument, convention?: KeyConvention): NotebookInfo {
  const cells: PlainCell[] = nb.getCells().map((c) => ({
    kind: c.kind === vscode.NotebookCellKind.Code ? "code" : "markup",
    languageId: c.document.languageId,
    text: c.document.getText(),
    metadata: c.metadata,
  }));
  return buildNotebookInfo({
    uri: nb.uri.toString(),
    key: convention?.mode === "lamindb" ? laminKey(nb.uri.fsPath, convention.devDir) : notebookKey(nb.uri),
    cells,
    metadata: nb.metadata,
  });
}
