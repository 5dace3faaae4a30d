// At most one NotebookCellExecution per cell, started at most once and ended at most once, as the Jupyter
// extension's NotebookCellExecutionWrapper and CellExecutionCreator keep them: writing outputs starts an
// execution that was not started (without a time), ending twice is a no-op, and the map forgets a cell's
// execution when it ends.
import * as vscode from "vscode";

export class CellExecutionHandle {
  private startedFlag = false;
  private ended = false;
  private startTime: number | undefined;

  constructor(
    private readonly impl: vscode.NotebookCellExecution,
    private readonly onEnd: () => void,
    /** Clear the outputs when the execution starts (a queued cell keeps its old outputs until then). */
    private readonly clearOnStart: boolean,
  ) {}

  get cell(): vscode.NotebookCell {
    return this.impl.cell;
  }
  /** start() was called: for a running cell, the kernel acknowledged its request. */
  get started(): boolean {
    return this.startedFlag;
  }
  get isEnded(): boolean {
    return this.ended;
  }
  get executionOrder(): number | undefined {
    return this.impl.executionOrder;
  }
  set executionOrder(value: number | undefined) {
    if (!this.ended) this.impl.executionOrder = value;
  }

  start(startTime?: number): void {
    if (this.startedFlag || this.ended) return;
    this.startedFlag = true;
    this.startTime = startTime;
    this.impl.start(startTime);
    if (this.clearOnStart) void this.impl.clearOutput();
  }

  get startedAt(): number | undefined {
    return this.startTime;
  }

  end(success: boolean | undefined, endTime?: number): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.impl.end(success, endTime);
    } finally {
      this.onEnd();
    }
  }

  private ready(): boolean {
    if (this.ended) return false;
    if (!this.startedFlag) this.start();
    return true;
  }

  clearOutput(): Thenable<void> {
    return this.ready() ? this.impl.clearOutput() : Promise.resolve();
  }
  appendOutput(out: vscode.NotebookCellOutput | vscode.NotebookCellOutput[]): Thenable<void> {
    return this.ready() ? this.impl.appendOutput(out) : Promise.resolve();
  }
  replaceOutput(out: vscode.NotebookCellOutput | vscode.NotebookCellOutput[]): Thenable<void> {
    return this.ready() ? this.impl.replaceOutput(out) : Promise.resolve();
  }
  appendOutputItems(
    items: vscode.NotebookCellOutputItem | vscode.NotebookCellOutputItem[],
    output: vscode.NotebookCellOutput,
  ): Thenable<void> {
    return this.ready() ? this.impl.appendOutputItems(items, output) : Promise.resolve();
  }
  replaceOutputItems(
    items: vscode.NotebookCellOutputItem | vscode.NotebookCellOutputItem[],
    output: vscode.NotebookCellOutput,
  ): Thenable<void> {
    return this.ready() ? this.impl.replaceOutputItems(items, output) : Promise.resolve();
  }
}

export class CellExecutions {
  private readonly map = new WeakMap<vscode.NotebookCell, CellExecutionHandle>();

  constructor(private readonly controller: vscode.NotebookController) {}

  get(cell: vscode.NotebookCell): CellExecutionHandle | undefined {
    return this.map.get(cell);
  }

  getOrCreate(cell: vscode.NotebookCell, clearOnStart: boolean): CellExecutionHandle {
    const existing = this.map.get(cell);
    if (existing) return existing;
    const handle: CellExecutionHandle = new CellExecutionHandle(
      this.controller.createNotebookCellExecution(cell),
      () => {
        if (this.map.get(cell) === handle) this.map.delete(cell);
      },
      clearOnStart,
    );
    this.map.set(cell, handle);
    return handle;
  }
}
