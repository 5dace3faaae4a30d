// Turns what VS Code reports about one notebook's cells into tracking events. Pure: no vscode import.
// The rules follow how the Jupyter extension (the kernel most users run) drives VS Code's execution API;
// ../shared/reference/jupyter-execution.md has the call sequence of each scenario, docs/tracking.md the
// table this implements.
//
// What is observable (stable API, any controller): workspace.onDidChangeNotebookDocument reports a cell's
// executionSummary {executionOrder?, success?, timing?} whenever its execution metadata changes. VS Code
// sets `timing` only when both start and end times are known, so:
//   - all three undefined: the cell was queued (VS Code clears the summary), or its turn came (start()
//     without an order yet), or it was cancelled (end(undefined) without a time), or its outputs were cleared;
//   - executionOrder set, success and timing undefined: the cell is running, or a restart cancelled it
//     (end(undefined) without a time looks the same: that is why kernel restarts come from elsewhere);
//   - success or timing set: it finished.
// Besides, a kernel API (the Jupyter extension's `kernels.getKernel(uri)`) reports restarts and deaths:
// kernelStopped(). Without one, an executionOrder that drops (back to 1) on a new execution means the
// kernel restarted. The queue has drained when, after a short settle delay, no cell runs or waits.
import type { CellTiming } from "../../server/protocol";

export interface CellSummary {
  index: number;
  executionOrder?: number;
  success?: boolean;
  timing?: { startTime: number; endTime: number };
}

/** What the observer knows of the cell itself. */
export interface CellHints {
  /**
   * false for cells a Jupyter kernel never runs: empty or whitespace-only code, raw cells. Their summaries
   * stay cleared throughout, so they must not hold the notebook busy as "queued".
   */
  runs: boolean;
}

export type ExecutionEvent =
  | { type: "cellStarted"; cell: CellTiming }
  | { type: "cellFinished"; cell: CellTiming & { success: boolean } }
  | { type: "cellCancelled"; cell: CellTiming }
  | { type: "kernelRestarted" }
  | { type: "executionIdle" };

interface CellState {
  state: "idle" | "queued" | "running";
  /** The cell's execution order: while it runs, and the last one it had. */
  order?: number;
  /** When it was queued, or last became active. */
  queuedAt?: number;
  /** When its current run started: the exact time once known, else when it was seen running. */
  startTime?: number;
  /** Signature of the last finished summary, to ignore repeats (metadata-only changes). */
  lastFinished?: string;
  /** A start earlier than this is not a new execution: the end of its last run, or when its kernel stopped. */
  boundary?: number;
  /**
   * A start that may be an earlier execution shown again (a temporary execution for late output, the crash
   * monitor's message) or a new one; nothing is reported until its end tells which.
   */
  tentative?: boolean;
  /** The kernel stopped while it ran or waited: what still comes for that run is not a new execution. */
  orphan?: boolean;
  /** A failure cancelled it while queued: one more cleared summary is that cancellation's echo. */
  dropped?: boolean;
}

export interface ExecutionsOptions {
  emit: (event: ExecutionEvent) => void;
  /** Quiet time before "the queue drained" is declared. */
  settleMs?: number;
  /** How long after the notebook's last start or end a queued (not yet running) cell keeps it busy. */
  queuedGraceMs?: number;
  now?: () => number;
}

export class NotebookExecutions<K> {
  private readonly cells = new Map<K, CellState>();
  private maxOrder = 0;
  private inBatch = false;
  private cancelled = false;
  /** When a cell of this notebook last started or ended. */
  private lastActivity = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ExecutionsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True once a cell started and the queue has not drained since. */
  get busy(): boolean {
    return this.inBatch;
  }

  update(key: K, s: CellSummary, hints: CellHints = { runs: true }): void {
    const st = this.cells.get(key) ?? { state: "idle" };
    this.cells.set(key, st);
    const finished = s.success !== undefined || s.timing !== undefined;
    if (finished) this.finish(st, s);
    else if (s.executionOrder !== undefined) this.running(st, s);
    else this.cleared(st, hints);
  }

  /**
   * The kernel restarted or died (a kernel API said so). Runs ended: what ran or waited belongs to the
   * old kernel, and the new one counts from 1 again.
   */
  kernelStopped(): void {
    const now = this.now();
    let had = this.inBatch || this.maxOrder > 0;
    for (const st of this.cells.values()) {
      if (st.state === "idle") continue;
      if (!st.tentative) had = true;
      st.state = "idle";
      st.orphan = true;
      st.tentative = false;
      st.boundary = now;
    }
    this.reset();
    if (had) this.options.emit({ type: "kernelRestarted" });
  }

  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  // ---- the three kinds of summary ---------------------------------------------------------------------

  /** {-,-,-}: queued, its turn came, cancelled, or outputs cleared. */
  private cleared(st: CellState, hints: CellHints): void {
    if (!hints.runs || st.orphan) return; // never runs / the old kernel's leftovers
    if (st.dropped) {
      st.dropped = false; // the echo of its cancellation after a failure
      return;
    }
    if (st.state === "running") return; // cleared while running: nothing it tells
    st.state = "queued";
    st.queuedAt = this.now();
    st.lastFinished = undefined;
  }

  /** {N,-,-}: running (possibly repeated: every message carrying the count sets it again). */
  private running(st: CellState, s: CellSummary): void {
    const order = s.executionOrder!;
    st.dropped = false;
    if (st.state === "running" && st.order === order) return;
    // an order this cell already had: its earlier execution shown again, or (with no kernel API) a
    // restarted kernel numbering from 1 again; its end decides
    if (st.order === order && (st.orphan || order <= this.maxOrder)) {
      st.state = "running";
      st.tentative = true;
      return;
    }
    st.orphan = false;
    this.begin(st, s.index, order, this.now());
  }

  /** {N?, success?, timing?}: finished. */
  private finish(st: CellState, s: CellSummary): void {
    const sig = JSON.stringify([s.executionOrder, s.success, s.timing?.startTime, s.timing?.endTime]);
    st.dropped = false;
    if (st.state !== "running" && !st.orphan && st.lastFinished === sig) return; // a repeat
    const isNew = s.timing !== undefined && (st.boundary === undefined || s.timing.startTime > st.boundary);
    if (st.tentative || st.orphan || (st.state !== "running" && this.isRedisplay(st, s))) {
      if (!isNew) {
        // an earlier run shown again (late output, a crash message) or the old kernel's last word; an
        // orphan stays one: the crash monitor may still write to it
        st.state = "idle";
        st.tentative = false;
        st.lastFinished = sig;
        return;
      }
      st.tentative = false;
      st.orphan = false;
      st.state = "idle"; // a new execution whose start was not reported: report it now
    }
    // a start we did not see (a controller without execution order, a very fast cell, a tentative start)
    if (st.state !== "running" || (s.executionOrder !== undefined && st.order !== s.executionOrder)) {
      this.begin(st, s.index, s.executionOrder, s.timing?.startTime);
    }
    const startTime = s.timing?.startTime ?? st.startTime;
    st.state = "idle";
    st.lastFinished = sig;
    st.boundary = s.timing?.endTime ?? this.now();
    this.lastActivity = this.now();
    if (s.success === undefined) {
      // ended with a time but no success: cancelled; the run stays open
      this.cancelled = true;
      this.options.emit({
        type: "cellCancelled",
        cell: { index: s.index, executionOrder: s.executionOrder, startTime, endTime: s.timing?.endTime },
      });
    } else {
      this.options.emit({
        type: "cellFinished",
        cell: {
          index: s.index,
          executionOrder: s.executionOrder,
          startTime,
          endTime: s.timing?.endTime ?? this.now(),
          success: s.success,
        },
      });
      // as Jupyter does after a failure: the cells still queued are cancelled, not run
      if (s.success === false) this.dropQueued();
    }
    this.scheduleIdleCheck();
  }

  /** A finished summary on a cell that is not running: an earlier execution of it shown again? */
  private isRedisplay(st: CellState, s: CellSummary): boolean {
    // a temporary execution restores the previous order and success, but has no start time
    if (s.timing === undefined) return s.executionOrder !== undefined && s.executionOrder === st.order;
    return st.boundary !== undefined && s.timing.startTime <= st.boundary;
  }

  private dropQueued(): void {
    for (const other of this.cells.values())
      if (other.state === "queued") {
        other.state = "idle";
        other.dropped = true;
      }
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
      // no kernel API told us, but the count started again: a new kernel
      this.options.emit({ type: "kernelRestarted" });
      this.reset();
      // cells the old kernel left "running" will never report their end
      for (const other of this.cells.values())
        if (other !== st && other.state === "running") {
          other.state = "idle";
          other.tentative = false;
        }
    }
    this.maxOrder = Math.max(this.maxOrder, order ?? 0);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    st.state = "running";
    st.order = order;
    st.startTime = startTime;
    st.tentative = false;
    st.queuedAt = undefined;
    this.lastActivity = this.now();
    this.inBatch = true;
    this.cancelled = false;
    this.options.emit({ type: "cellStarted", cell: { index, executionOrder: order, startTime } });
  }

  private reset(): void {
    this.maxOrder = 0;
    this.cancelled = false;
    this.inBatch = false;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
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
      if (st.state === "running" && !st.tentative) return; // its end will schedule the next check
      // a queued cell waits its turn; it starts right after the cell before it ends
      const since = Math.max(st.queuedAt ?? 0, this.lastActivity);
      if (st.state === "queued" && this.now() - since < grace) recheck = true;
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
