// Wires observation to delivery: observer -> durable queue -> server (lamin/track), in order.
// Its own bundle (dist/tracking.js), loaded after activate() returned: import it only with
// `await import("./tracking/tracking")` (scripts/build.mjs); other modules import only its types.
import * as vscode from "vscode";
import { join } from "node:path";
import { LAMIN_ERROR_CODES, type RunSummary, type TrackEvent } from "../../server/protocol";
import type { LaminServer } from "../client/server";
import { Disposable } from "../util/disposable";
import { NotebookObserver } from "./observer";
import type { KeyConvention } from "./notebook-info";
import { DurableQueue } from "./queue";
import { type Delivery, EventSender } from "./sender";

export { trackingExclude } from "./exclude-setting";

export interface TrackingOptions {
  enabled: () => boolean;
  exclude: () => string[];
  keyConvention?: () => KeyConvention;
  /**
   * Shown when the database is unreachable (what to check, what happens to the runs). `serverDown`: the
   * server itself is not running (a failed start or a crash, which are reported where they happen).
   */
  onUnavailable: (error: string, queued: number, serverDown: boolean) => void;
  log: vscode.LogOutputChannel;
}

export class Tracking extends Disposable {
  readonly observer: NotebookObserver;
  readonly queue: DurableQueue;
  private readonly sender: EventSender;
  private readonly runEmitter = this.track(new vscode.EventEmitter<RunSummary>());
  private readonly deliveredEmitter = this.track(new vscode.EventEmitter<TrackEvent>());
  private readonly pendingEmitter = this.track(new vscode.EventEmitter<number>());
  private recovered = false;
  private outage: string | undefined;
  /** Fires with every run the server reports (from tracking results and runChanged notifications). */
  readonly onDidChangeRun = this.runEmitter.event;
  readonly onDidDeliver = this.deliveredEmitter.event;
  /** Fires with the number of queued events whenever it changes. */
  readonly onDidChangePending = this.pendingEmitter.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly server: LaminServer,
    private readonly options: TrackingOptions,
  ) {
    super();
    this.queue = DurableQueue.open({
      dir: join(context.globalStorageUri.fsPath, "queue"),
      sessionId: vscode.env.sessionId,
      onWarning: (message) => {
        options.log.warn(`tracking queue: ${message}`);
        void vscode.window.showWarningMessage(`LaminDB: ${message}`);
      },
    });
    this.track({ dispose: () => void this.queue.close() });
    this.sender = this.track(
      new EventSender(this.queue, {
        send: (e) => this.deliver(e),
        onDelivered: (e, result) => {
          this.outage = undefined;
          if (result.run) this.runEmitter.fire(result.run);
          this.deliveredEmitter.fire(e);
          this.pendingEmitter.fire(this.pending);
        },
        onUnavailable: (error, queued, serverDown) => {
          this.outage = error;
          options.onUnavailable(error, queued, serverDown);
        },
        onDrained: () => void this.recover(),
        log: (m) => options.log.warn(m),
      }),
    );
    this.observer = this.track(
      new NotebookObserver({
        sessionId: vscode.env.sessionId,
        enabled: options.enabled,
        exclude: options.exclude,
        keyConvention: options.keyConvention,
        cellStarted: (nb, cell) => void this.saveBeforeFinish(nb, cell),
        emit: (e) => {
          options.log.debug(`track ${e.type} ${"notebook" in e ? e.notebook.key : e.notebookUri}`);
          void this.sender.enqueue(e).then(() => this.pendingEmitter.fire(this.pending));
          this.pendingEmitter.fire(this.pending);
        },
      }),
    );
    this.track(
      server.onDidChangeState((s) => {
        if (s !== "running") return;
        this.sender.forgetSources(); // a new server process: it holds no notebook sources yet
        void this.flush();
      }),
    );
    this.track(server.onNotification("lamin/connectionChanged", (p) => p.connected && void this.flush()));
    this.track(server.onNotification("lamin/runChanged", (p) => this.runEmitter.fire(p.run)));
  }

  get pending(): number {
    return this.sender.pending;
  }

  /** Why events wait in the queue (the server or its database is unreachable); none once they flow. */
  get unavailable(): string | undefined {
    return this.outage;
  }

  /**
   * Sends what is queued now; resolves when the queue is empty or the server is unavailable, and
   * what that changed on disk (acknowledged offset, the drained log removed) is written.
   */
  async flush(): Promise<void> {
    await this.sender.kick();
    await this.queue.idle();
  }

  private async deliver(event: TrackEvent): Promise<Delivery> {
    const sent = this.server.requestIfRunning("lamin/track", event);
    if (!sent)
      return {
        kind: "unavailable",
        error: this.server.error ?? "the LaminDB server is not running",
        serverDown: true,
      };
    try {
      return { kind: "ok", result: await sent };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const code = (e as { code?: unknown }).code;
      if (code === LAMIN_ERROR_CODES.databaseUnavailable) return { kind: "unavailable", error };
      if (code === LAMIN_ERROR_CODES.sourceUnknown) return { kind: "sourceUnknown", error };
      if (code !== undefined && Object.values(LAMIN_ERROR_CODES).includes(code as never))
        return { kind: "rejected", error };
      // a transport error (the server went away mid-request): ask the server what it sees
      const status = await this.server.requestIfRunning("lamin/status", {})?.catch(() => undefined);
      if (!status) return { kind: "unavailable", error, serverDown: true };
      return status.connected
        ? { kind: "rejected", error }
        : { kind: "unavailable", error: status.error ?? error };
    }
  }

  /**
   * ln.finish() reads the saved .ipynb and waits up to 30 s for it to be saved: a cell that calls it
   * (the server reads the cell's Python) gets its notebook saved as it starts.
   */
  private async saveBeforeFinish(nb: vscode.NotebookDocument, cell: vscode.NotebookCell): Promise<void> {
    const code = cell.document.getText();
    if (!code.includes("finish") || !this.server.isRunning) return;
    try {
      const calls = await this.server.request("lamin/laminCalls", { code });
      if (calls.finish && nb.isDirty && !nb.isClosed) await nb.save();
    } catch (e) {
      this.options.log.warn(`saving the notebook before ln.finish() failed: ${String(e)}`);
    }
  }

  /** Once per session, after earlier events were replayed: runs of sessions that died become aborted. */
  private async recover(): Promise<void> {
    if (this.recovered || !this.server.isRunning || !this.options.enabled()) return;
    this.recovered = true;
    try {
      const r = await this.server.request("lamin/recoverRuns", { sessionId: vscode.env.sessionId });
      if (r.aborted.length)
        this.options.log.info(`aborted ${r.aborted.length} run(s) left open by a VS Code session that ended`);
      r.aborted.forEach((run) => this.runEmitter.fire(run));
    } catch (e) {
      this.recovered = false;
      this.options.log.warn(`lamin/recoverRuns failed: ${String(e)}`);
    }
  }
}
