// Turns what VS Code reports about one notebook's cells into tracking events. Pure: no vscode import.
//
// What is observable (stable API, any controller): workspace.onDidChangeNotebookDocument reports a cell's
// executionSummary {executionOrder?, success?, timing?} whenever its execution metadata changes. VS Code
// sets `timing` only when both start and end times are known, so:
//   - all three undefined: the cell was queued (VS Code clears the summary) or its outputs were cleared;
//   - executionOrder set, success and timing undefined: the cell is running;
//   - success or timing set: it finished (success undefined with timing: cancelled, e.g. by a restart:
//     reported as cellCancelled, which leaves the run open).
// An executionOrder that drops (back to 1) on a new execution means a new kernel: the kernel restarted.
// The queue has drained when, after a short settle delay, no cell is running or was just queued.
import type { CellTiming } from "../../server/protocol";

export interface CellSummary {
  index: number;
  executionOrder?: number;
  success?: boolean;
  timing?: { startTime: number; endTime: number };
}

export type ExecutionEvent =
  | { type: "cellStarted"; cell: CellTiming }
  | { type: "cellFinished"; cell: CellTiming & { success: boolean } }
  | { type: "cellCancelled"; cell: CellTiming }
  | { type: "kernelRestarted" }
  | { type: "executionIdle" };

interface CellState {
  state: "idle" | "queued" | "running";
  order?: number;
  queuedAt?: number;
  /** Signature of the last finished summary, to ignore repeats (metadata-only changes). */
  lastFinished?: string;
}

export interface ExecutionsOptions {
  emit: (event: ExecutionEvent) => void;
  /** Quiet time before "the queue drained" is declared. */
  settleMs?: number;
  /** How long a queued (not yet running) cell keeps the notebook busy. */
  queuedGraceMs?: number;
  now?: () => number;
}

export class NotebookExecutions<K> {
  private readonly cells = new Map<K, CellState>();
  private maxOrder = 0;
  private inBatch = false;
  private cancelled = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ExecutionsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True once a cell started and the queue has not drained since. */
  get busy(): boolean {
    return this.inBatch;
  }

  update(key: K, s: CellSummary): void {
    const st = this.cells.get(key) ?? { state: "idle" };
    this.cells.set(key, st);
    if (s.success !== undefined || s.timing !== undefined) {
      const sig = JSON.stringify([s.executionOrder, s.success, s.timing?.startTime, s.timing?.endTime]);
      if (st.state !== "running" && st.lastFinished === sig) return;
      // a start we did not see (a controller without execution order, or a very fast cell)
      if (st.state !== "running" || (s.executionOrder !== undefined && st.order !== s.executionOrder)) {
        this.begin(st, s.index, s.executionOrder, s.timing?.startTime);
      }
      st.state = "idle";
      st.lastFinished = sig;
      if (s.success === undefined) {
        // ended with timing but no success: cancelled (a restart or an interrupt); the run stays open
        this.cancelled = true;
        this.options.emit({
          type: "cellCancelled",
          cell: {
            index: s.index,
            executionOrder: s.executionOrder,
            startTime: s.timing?.startTime,
            endTime: s.timing?.endTime,
          },
        });
      } else {
        this.options.emit({
          type: "cellFinished",
          cell: {
            index: s.index,
            executionOrder: s.executionOrder,
            startTime: s.timing?.startTime,
            endTime: s.timing?.endTime ?? this.now(),
            success: s.success,
          },
        });
      }
      this.scheduleIdleCheck();
    } else if (s.executionOrder !== undefined) {
      if (st.state === "running" && st.order === s.executionOrder) return;
      this.begin(st, s.index, s.executionOrder, this.now());
    } else {
      st.state = "queued";
      st.queuedAt = this.now();
      st.lastFinished = undefined;
    }
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  private begin(
    st: CellState,
    index: number,
    order: number | undefined,
    startTime: number | undefined,
  ): void {
    if (
      order !== undefined &&
      this.maxOrder > 0 &&
      (order < this.maxOrder || (order === 1 && this.maxOrder >= 1))
    ) {
      this.options.emit({ type: "kernelRestarted" });
      this.maxOrder = 0;
      this.cancelled = false;
      this.inBatch = false;
      // cells the dead kernel left "running" will never report their end
      for (const other of this.cells.values())
        if (other !== st && other.state === "running") other.state = "idle";
    }
    this.maxOrder = Math.max(this.maxOrder, order ?? 0);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    st.state = "running";
    st.order = order;
    st.queuedAt = undefined;
    this.inBatch = true;
    this.cancelled = false;
    this.options.emit({ type: "cellStarted", cell: { index, executionOrder: order, startTime } });
  }

  private scheduleIdleCheck(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.checkIdle(), this.options.settleMs ?? 300);
  }

  private checkIdle(): void {
    this.idleTimer = undefined;
    if (!this.inBatch) return;
    const grace = this.options.queuedGraceMs ?? 3000;
    let recheck = false;
    for (const st of this.cells.values()) {
      if (st.state === "running") return; // its end will schedule the next check
      if (st.state === "queued" && st.queuedAt !== undefined && this.now() - st.queuedAt < grace)
        recheck = true;
    }
    if (recheck) {
      this.scheduleIdleCheck();
      return;
    }
    this.inBatch = false;
    // a cancelled cell (a kernel that died or was restarted) leaves the run open: a restart or the
    // notebook closing ends it as aborted, a further execution continues it
    if (this.cancelled) return;
    this.options.emit({ type: "executionIdle" });
  }
}
