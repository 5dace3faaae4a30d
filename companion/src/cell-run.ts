// One cell's execute_request, driving VS Code's execution API call for call as the Jupyter extension's
// CellExecution and CellExecutionMessageHandler do (../shared/reference/jupyter-execution.md):
// - the execution is created when the cell is queued; start(now) and clearOutput() on the first IOPub
//   message of the request (ipykernel's status: busy), not when the request is sent;
// - executionOrder from execute_input's execution_count, and again from every message that carries one
//   (execute_result, execute_reply);
// - end(true|false, now) when the reply arrives (false when execute_reply.status is "error");
// - a request that fails (the kernel died) shows the error and ends with end(false, now);
// - empty cells are not sent: start(), clearOutput(), executionOrder = undefined, end(undefined);
//   raw cells: start(), end(undefined);
// - cancelled cells end(undefined), without a time;
// - output arriving after the cell ended (a thread still printing) goes through a temporary execution that
//   restores the previous execution order and success.
import * as vscode from "vscode";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import type { CellExecutionHandle, CellExecutions } from "./executions";
import { messageOutput, streamItem, toCellOutput, type JupyterOutput } from "./outputs";

type Outcome = "success" | "failed" | "cancelled";

export function canExecute(cell: vscode.NotebookCell): boolean {
  return cell.document.languageId !== "raw" && !cell.document.isClosed;
}

export class CellRun {
  readonly result: Promise<boolean>;
  private resolveResult!: (ok: boolean) => void;
  private exec: CellExecutionHandle | undefined;
  private request:
    Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg> | undefined;
  private startedRequest = false;
  private cancelHandled = false;
  private completed = false;
  private startTime: number | undefined;
  private clearOnNextOutput = false;
  private lastStream: { output: vscode.NotebookCellOutput; name: string } | undefined;
  private temporary: { exec: CellExecutionHandle; previous: vscode.NotebookCellExecutionSummary } | undefined;

  constructor(
    readonly cell: vscode.NotebookCell,
    private readonly executions: CellExecutions,
  ) {
    this.result = new Promise((r) => (this.resolveResult = r));
    if (canExecute(cell)) {
      this.exec = executions.getOrCreate(cell, true);
    } else {
      // a raw cell: out of VS Code's pending state
      const pending = executions.get(cell);
      pending?.start();
      pending?.end(undefined);
    }
  }

  get isEmpty(): boolean {
    return this.cell.document.getText().trim().length === 0;
  }

  /** Sends the cell; resolves true when it succeeded (or had nothing to run), false when it failed. */
  start(kernel: Kernel.IKernelConnection): Promise<boolean> {
    if (this.cancelHandled || this.startedRequest) return this.result;
    this.startedRequest = true;
    if (!canExecute(this.cell)) {
      this.exec?.end(undefined);
      this.exec = undefined;
      this.finish(true);
      return this.result;
    }
    const code = this.cell.document.getText().replace(/\r\n/g, "\n");
    if (code.trim().length === 0) {
      this.exec?.start();
      void this.exec?.clearOutput();
      this.endCellTask("success");
      this.finish(true);
      return this.result;
    }
    void this.run(kernel, code);
    return this.result;
  }

  private async run(kernel: Kernel.IKernelConnection, code: string): Promise<void> {
    let request: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;
    try {
      request = kernel.requestExecute(
        { code, silent: false, stop_on_error: false, allow_stdin: false, store_history: true },
        false, // not disposed on done: output may still come (a thread printing after the cell ended)
        { cellId: this.cell.document.uri.toString() },
      );
    } catch (e) {
      this.completedWithErrors(e instanceof Error ? e.message : String(e));
      return;
    }
    this.request = request;
    request.onIOPub = (msg) => this.onIOPub(msg);
    request.onReply = (msg) => {
      const count = (msg.content as { execution_count?: unknown }).execution_count;
      if (typeof count === "number" && this.exec) this.exec.executionOrder = count;
    };
    try {
      const reply = await request.done;
      const completedTime = Date.now();
      if (this.cancelHandled) return;
      if (reply.content.status === "error") this.completedWithErrors(undefined, completedTime);
      else {
        this.endCellTask("success", completedTime);
        this.finish(true);
      }
    } catch (e) {
      if (this.cancelHandled) return;
      // @jupyterlab/services cancels the future when the kernel restarts or dies under it
      this.completedWithErrors(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Interrupt (forced false): a cell the kernel acknowledged keeps running until the kernel answers;
   * a queued or unacknowledged one ends now. Restart or close (forced): every cell ends now.
   */
  async cancel(forced: boolean): Promise<void> {
    if (this.cancelHandled) return;
    if (this.startedRequest && !forced && this.exec?.started) {
      await this.result;
      return;
    }
    if (this.completed) return;
    this.cancelHandled = true;
    this.endCellTask("cancelled");
    this.finish(true);
  }

  /**
   * The kernel died under the request: it fails now, as the Jupyter extension's does (error output,
   * end(false, now)), whether or not @jupyterlab/services ever cancels its future.
   */
  fail(message: string): void {
    if (this.cancelHandled || this.completed) return;
    this.cancelHandled = true;
    this.dispose();
    if (!this.startedRequest) {
      this.endCellTask("cancelled");
      this.finish(false);
      return;
    }
    this.completedWithErrors(message);
  }

  /** Drops the request for good (the cell ran again, or the kernel went away). */
  dispose(): void {
    try {
      this.request?.dispose();
    } catch {
      // already disposed
    }
  }

  private finish(ok: boolean): void {
    this.completed = true;
    this.resolveResult(ok);
  }

  private completedWithErrors(message: string | undefined, completedTime = Date.now()): void {
    if (message) void this.exec?.appendOutput(messageOutput(message));
    this.endCellTask("failed", completedTime);
    this.finish(false);
  }

  private endCellTask(outcome: Outcome, completedTime = Date.now()): void {
    const exec = this.exec;
    if (!exec || exec.isEnded) {
      this.exec = undefined;
      return;
    }
    if (this.isEmpty) {
      exec.executionOrder = undefined;
      exec.end(undefined);
    } else if (outcome === "cancelled") {
      this.dispose();
      exec.end(undefined);
    } else {
      exec.end(outcome === "success", completedTime);
    }
    this.exec = undefined;
  }

  // ---- IOPub ----------------------------------------------------------------------------------------

  private onIOPub(msg: KernelMessage.IIOPubMessage): void {
    if (this.cell.document.isClosed) return;
    if (!this.startTime && this.exec) {
      // the kernel acknowledged the request: this is when the cell starts
      this.startTime = Date.now();
      this.exec.start(this.startTime);
    }
    const type = msg.header.msg_type;
    const content = msg.content as Record<string, unknown>;
    switch (type) {
      case "execute_input":
        break;
      case "execute_result":
      case "display_data":
        this.addOutput({
          output_type: type,
          data: content.data as JupyterOutput["data"],
          metadata: content.metadata as JupyterOutput["metadata"],
          transient: content.transient as JupyterOutput["transient"],
          execution_count: content.execution_count as number | undefined,
        });
        break;
      case "update_display_data":
        this.updateDisplay(content);
        break;
      case "stream":
        this.addStream(String(content.name), String(content.text ?? ""));
        break;
      case "error":
        this.addOutput({
          output_type: "error",
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        });
        break;
      case "clear_output":
        if (content.wait) this.clearOnNextOutput = true;
        else {
          const task = this.task();
          this.lastStream = undefined;
          void task?.clearOutput();
          this.endTemporaryTask();
        }
        break;
      default:
        break; // status, comms: nothing to show
    }
    const count = content.execution_count;
    if (typeof count === "number" && this.exec) this.exec.executionOrder = count;
  }

  private addOutput(output: JupyterOutput): void {
    const task = this.task();
    const cellOutput = toCellOutput(output);
    this.lastStream = undefined;
    if (this.clearOnNextOutput) {
      this.clearOnNextOutput = false;
      void task?.replaceOutput([cellOutput]);
    } else void task?.appendOutput([cellOutput]);
    this.endTemporaryTask();
  }

  private addStream(name: string, text: string): void {
    const task = this.task();
    if (this.clearOnNextOutput) {
      this.clearOnNextOutput = false;
      this.lastStream = undefined;
      const output = toCellOutput({ output_type: "stream", name, text });
      this.lastStream = { output, name };
      void task?.replaceOutput([output]);
    } else if (this.lastStream?.name === name && this.cell.outputs.includes(this.lastStream.output)) {
      void task?.appendOutputItems(streamItem(name, text), this.lastStream.output);
    } else {
      const output = toCellOutput({ output_type: "stream", name, text });
      this.lastStream = { output, name };
      void task?.appendOutput([output]);
    }
    this.endTemporaryTask();
  }

  private updateDisplay(content: Record<string, unknown>): void {
    const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
    if (typeof id !== "string") return;
    const target = this.cell.outputs.find(
      (o) => (o.metadata?.transient as { display_id?: unknown } | undefined)?.display_id === id,
    );
    if (!target) return;
    const task = this.task();
    const fresh = toCellOutput({
      output_type: "display_data",
      data: content.data as JupyterOutput["data"],
      metadata: content.metadata as JupyterOutput["metadata"],
    });
    void task?.replaceOutputItems(fresh.items, target);
    this.endTemporaryTask();
  }

  /** The running execution, or a temporary one for output that arrives after the cell ended. */
  private task(): CellExecutionHandle | undefined {
    if (this.exec && !this.exec.isEnded) return this.exec;
    const active = this.executions.get(this.cell);
    if (active && !active.isEnded) return active;
    const previous = { ...(this.cell.executionSummary ?? {}) };
    const exec = this.executions.getOrCreate(this.cell, false);
    exec.start();
    if (previous.executionOrder) exec.executionOrder = previous.executionOrder;
    this.temporary = { exec, previous };
    return exec;
  }

  private endTemporaryTask(): void {
    const t = this.temporary;
    if (!t) return;
    this.temporary = undefined;
    if (t.previous.executionOrder) t.exec.executionOrder = t.previous.executionOrder;
    t.exec.end(t.previous.success, t.previous.timing?.endTime);
  }
}
