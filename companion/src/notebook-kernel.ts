// One notebook's kernel: a jupyter-server session (the kernel starts in the notebook's folder), the queue
// of its cells and the kernel's status. The queue runs cells strictly one after another and, as the Jupyter
// extension's CellExecutionQueue does, cancels the rest after a failure (unless the failing cell is tagged
// `raises-exception`) or once the kernel is dead. Interrupt cancels what waits and lets the kernel's
// KeyboardInterrupt end the running cell; restart cancels everything, running cell included. When the
// server restarts a kernel that died, the running request fails and, as the Jupyter extension's crash
// monitor does, the last executed cell gets a message saying the kernel crashed.
import * as vscode from "vscode";
import { KernelManager, SessionManager, type Kernel, type Session } from "@jupyterlab/services";
import { CellRun } from "./cell-run";
import type { CellExecutions } from "./executions";
import type { JupyterServer } from "./jupyter-server";
import { KERNEL_NAME } from "./kernelspec";
import { messageOutput } from "./outputs";

export type KernelStatus = Kernel.Status;

/** How long an empty execution may take to complete before the iopub check asks again. */
const NUDGE_MS = 1000;
/** How many nudges (one a second) before the queue goes on without proof that iopub reaches us. */
const NUDGE_ATTEMPTS = 60;

const CRASHED =
  "The kernel crashed while executing code in this cell or a previous one, and was restarted. " +
  "Review the code of the cell(s) for a possible cause.";

export interface NotebookKernelDeps {
  server(): Promise<JupyterServer>;
  executions: CellExecutions;
  log: vscode.LogOutputChannel;
  /** Writes kernelspec and language_info into the notebook's metadata (only when they changed). */
  writeMetadata(nb: vscode.NotebookDocument, languageInfo?: Record<string, unknown>): Promise<void>;
}

class CellQueue {
  readonly items: CellRun[] = [];
  failed = false;
  private pumping = false;

  constructor(
    private readonly kernel: () => Kernel.IKernelConnection | undefined,
    private readonly onExecuted: (cell: vscode.NotebookCell) => void,
    private readonly ready: () => Promise<void>,
  ) {}

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  add(run: CellRun): void {
    this.items.push(run);
    if (!this.pumping) {
      this.pumping = true;
      void this.pump();
    }
  }

  private async pump(): Promise<void> {
    while (this.items.length) {
      const item = this.items[0];
      let ok = true;
      const closed = item.cell.notebook.isClosed;
      const kernel = this.kernel();
      if (!closed && !this.failed && kernel) {
        await this.ready();
        this.onExecuted(item.cell);
        ok = await item.start(kernel);
      } else if (!kernel) ok = false;
      this.items.splice(this.items.indexOf(item), 1);
      const errorsAllowed = (
        (item.cell.metadata?.metadata as { tags?: unknown } | undefined)?.tags as unknown[] | undefined
      )?.includes("raises-exception");
      if (closed || this.failed || (!ok && !errorsAllowed)) {
        this.failed = true;
        await this.cancel(false);
        break;
      }
      const status = this.kernel()?.status;
      if (status === "dead" || status === "terminating") {
        this.failed = true;
        await this.cancel(false);
        break;
      }
    }
    this.pumping = false;
  }

  /** The kernel died: the running cell fails, the queued ones are cancelled. */
  kernelLost(message: string): void {
    this.failed = true;
    for (const item of this.items) item.fail(message);
  }

  async cancel(forced: boolean): Promise<void> {
    this.failed = true;
    await Promise.all(this.items.map((item) => item.cancel(forced)));
    this.items.splice(0);
  }
}

export class NotebookKernel implements vscode.Disposable {
  private session: Session.ISessionConnection | undefined;
  private starting: Promise<Kernel.IKernelConnection> | undefined;
  private queue: CellQueue | undefined;
  private lastExecutedCell: vscode.NotebookCell | undefined;
  private readonly lastRuns = new Map<vscode.NotebookCell, CellRun>();
  private currentStatus: KernelStatus = "unknown";
  private readonly statusEmitter = new vscode.EventEmitter<KernelStatus>();
  private disposed = false;
  private metadataWritten = false;
  /** Set by a restart: the new kernel's iopub messages are not yet known to reach us. */
  private iopubUnproven = false;
  /** Set when a kernel (first, restarted, or restarted by the server after a death) lacks the startup code. */
  private startupPending = true;
  /** Set once cells ran: as the Jupyter extension's API, only kernels the user started are exposed. */
  userStarted = false;
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly deps: NotebookKernelDeps,
  ) {}

  get status(): KernelStatus {
    return this.currentStatus;
  }

  get kernel(): Kernel.IKernelConnection | undefined {
    return this.session?.kernel ?? undefined;
  }

  /** Starts (or returns) the kernel; the session names the notebook, so the kernel runs in its folder. */
  start(): Promise<Kernel.IKernelConnection> {
    if (this.disposed) return Promise.reject(new Error("The notebook was closed"));
    this.starting ??= this.startSession().catch((e: unknown) => {
      this.starting = undefined;
      throw e;
    });
    return this.starting;
  }

  private async startSession(): Promise<Kernel.IKernelConnection> {
    const server = await this.deps.server();
    const serverSettings = server.settings;
    const kernelManager = new KernelManager({ serverSettings });
    const sessions = new SessionManager({ serverSettings, kernelManager });
    const path = this.notebook.uri.fsPath.replace(/^\//, "");
    this.setStatus("starting");
    const session = await sessions.startNew({
      path,
      type: "notebook",
      name: path.split("/").pop() ?? path,
      kernel: { name: KERNEL_NAME },
    });
    if (this.disposed) {
      await session.shutdown().catch(() => {});
      throw new Error("The notebook was closed");
    }
    this.session = session;
    const kernel = session.kernel;
    if (!kernel) throw new Error("jupyter-server started a session without a kernel");
    kernel.statusChanged.connect((_, status) => this.onKernelStatus(status));
    const info = await kernel.info;
    this.deps.log.info(`kernel ${kernel.id} started for ${this.notebook.uri.fsPath}`);
    if (!this.metadataWritten) {
      this.metadataWritten = true;
      await this.deps.writeMetadata(this.notebook, info.language_info as unknown as Record<string, unknown>);
    }
    if (kernel.status !== "unknown") this.setStatus(kernel.status);
    return kernel;
  }

  /** VS Code's executeHandler: queue the cells, start the kernel if needed, resolve when they ran. */
  async execute(cells: vscode.NotebookCell[]): Promise<void> {
    cells = cells.filter((c) => c.index >= 0);
    if (!cells.length) return;
    this.userStarted = true;
    // as the Jupyter extension: the first cell's execution exists while the kernel starts
    this.deps.executions.getOrCreate(cells[0], true);
    let kernel: Kernel.IKernelConnection;
    try {
      kernel = await this.start();
    } catch (e) {
      const exec = this.deps.executions.getOrCreate(cells[0], true);
      exec.start();
      await exec.clearOutput();
      await exec.appendOutput(
        messageOutput(`Cannot start the kernel: ${e instanceof Error ? e.message : String(e)}`),
      );
      exec.end(false);
      this.deps.log.error(`kernel start failed: ${String(e)}`);
      return;
    }
    void kernel;
    const queue = this.queueForNewCells();
    const runs = cells.map((cell) => {
      const existing = queue.items.find((r) => r.cell === cell);
      if (existing) return existing;
      this.lastRuns.get(cell)?.dispose();
      const run = new CellRun(cell, this.deps.executions);
      this.lastRuns.set(cell, run);
      queue.add(run);
      return run;
    });
    await Promise.all(runs.map((r) => r.result));
  }

  private queueForNewCells(): CellQueue {
    if (this.queue && !this.queue.isEmpty && !this.queue.failed) return this.queue;
    this.queue = new CellQueue(
      () => this.kernel,
      (cell) => (this.lastExecutedCell = cell),
      async () => {
        await this.iopubReady();
        await this.runStartupCode();
      },
    );
    return this.queue;
  }

  /** The notebook's interrupt: what waits is cancelled, the running cell gets the kernel's KeyboardInterrupt. */
  async interrupt(): Promise<void> {
    const pending = this.queue?.cancel(false);
    await this.kernel?.interrupt();
    await pending;
  }

  /** Restart: every cell, the running one too, ends without success or time; the counter starts at 1. */
  async restart(): Promise<void> {
    await this.queue?.cancel(true);
    const kernel = this.kernel;
    if (!kernel) return;
    this.startupPending = true;
    await kernel.restart();
    this.deps.log.info(`kernel ${kernel.id} restarted`);
  }

  /** The kernel process id, asked of the kernel itself without touching its history (for tests). */
  async pid(): Promise<number> {
    const kernel = this.kernel ?? (await this.start());
    const future = kernel.requestExecute({
      code: "",
      silent: true,
      store_history: false,
      user_expressions: { pid: "__import__('os').getpid()" },
    });
    const reply = await future.done;
    const expr = (reply.content as { user_expressions?: Record<string, { data?: Record<string, string> }> })
      .user_expressions?.pid;
    const pid = Number(expr?.data?.["text/plain"]);
    if (!Number.isInteger(pid)) throw new Error(`the kernel did not say its pid: ${JSON.stringify(expr)}`);
    return pid;
  }

  /**
   * After a restart jupyter-server subscribes to the new kernel's iopub without the nudge it does when a
   * client connects, so its first messages can be lost (ZeroMQ's slow joiner): a cell then gets its
   * reply but never its idle status, and its execution never ends (seen once in four suite runs: the
   * next cell after a kernel death stuck at [1]). As jupyter-server's nudge: run empty silent executions
   * until one completes (reply and idle), then send the cell.
   */
  private async iopubReady(): Promise<void> {
    for (let attempt = 1; this.iopubUnproven && !this.disposed; attempt++) {
      const kernel = this.kernel;
      if (!kernel || kernel.status === "dead") return;
      if (attempt > NUDGE_ATTEMPTS) {
        // give up proving it rather than hold the queue for ever; the cell is sent and may not end
        this.deps.log.warn(`kernel ${kernel.id}: no empty execution completed in ${NUDGE_ATTEMPTS} tries`);
        this.iopubUnproven = false;
        return;
      }
      const future = kernel.requestExecute({ code: "", silent: true, store_history: false });
      let timer: NodeJS.Timeout | undefined;
      const nudge = new Promise<false>((r) => (timer = setTimeout(() => r(false), NUDGE_MS)));
      // a rejected execution (kernel busy restarting) waits out the nudge too, so the loop never spins
      const completed = await Promise.race([
        future.done.then(
          () => true,
          () => nudge,
        ),
        nudge,
      ]);
      clearTimeout(timer);
      if (completed) this.iopubUnproven = false;
      else future.dispose();
    }
  }

  /**
   * The Jupyter extension's startup code, before a new kernel's first cell: `__vsc_ipynb_file__` names the
   * notebook's file (LaminDB's ln.track() reads it to find the notebook). Silent, outside the history.
   */
  private async runStartupCode(): Promise<void> {
    const kernel = this.kernel;
    if (!this.startupPending || !kernel || kernel.status === "dead") return;
    this.startupPending = false;
    const file = JSON.stringify(this.notebook.uri.fsPath);
    const future = kernel.requestExecute({
      code: `__vsc_ipynb_file__ = ${file}`,
      silent: true,
      store_history: false,
    });
    await future.done.catch((e: unknown) => this.deps.log.warn(`startup code: ${String(e)}`));
  }

  private onKernelStatus(status: KernelStatus): void {
    this.setStatus(status);
    if (status === "autorestarting" || status === "restarting") {
      this.iopubUnproven = true;
      this.startupPending = true;
    }
    if (status === "autorestarting" || status === "dead") {
      // the crash message goes into the running cell's execution (taken synchronously), then the pending
      // request fails now rather than whenever @jupyterlab/services cancels its future (if ever)
      if (status === "autorestarting") void this.crashed();
      this.queue?.kernelLost(`The kernel died (${status === "dead" ? "not restarted" : "restarted"}).`);
    }
  }

  /** The server restarted a kernel that died: say so in the last executed cell (the crash monitor's way). */
  private async crashed(): Promise<void> {
    this.deps.log.error(`the kernel of ${this.notebook.uri.fsPath} died; jupyter-server restarted it`);
    void vscode.window.showErrorMessage(
      `The Python kernel of ${this.notebook.uri.path.split("/").pop()} died and was restarted.`,
    );
    const cell = this.lastExecutedCell ?? this.queue?.items[0]?.cell;
    if (!cell || cell.document.isClosed) return;
    let isCancelled = false;
    if (!this.deps.executions.get(cell)) isCancelled = true;
    const exec = this.deps.executions.getOrCreate(cell, false);
    const order = exec.executionOrder;
    if (!exec.started) {
      exec.start(cell.executionSummary?.timing?.startTime);
      exec.executionOrder = cell.executionSummary?.executionOrder ?? order;
    }
    await exec.appendOutput(messageOutput(CRASHED));
    exec.end(isCancelled ? undefined : false, cell.executionSummary?.timing?.endTime);
  }

  private setStatus(status: KernelStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.statusEmitter.fire(status);
  }

  /** The notebook closed or another kernel was picked: cancel everything and shut the kernel down. */
  async shutdown(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue?.cancel(true);
    this.setStatus("terminating");
    const session = this.session;
    this.session = undefined;
    await session?.shutdown().catch((e: unknown) => this.deps.log.warn(`session shutdown: ${String(e)}`));
    session?.dispose();
    this.setStatus("dead");
    this.statusEmitter.dispose();
  }

  dispose(): void {
    void this.shutdown();
  }
}
