// The active notebook's current run: uid, status, elapsed. Clicking shows the run's describe().
// It keeps no run state of its own beyond "what is shown": the server answers lamin/activeRun.
import * as vscode from "vscode";
import type { ReplicaStatus, RunSummary } from "../server/protocol";
import { Commands } from "./commands/ids";
import type { LaminServer } from "./client/server";
import type { Tracking } from "./tracking/tracking";
import { Disposable, toDisposable } from "./util/disposable";

const ICONS: Record<RunSummary["status"], string> = {
  scheduled: "$(clock)",
  restarted: "$(sync~spin)",
  started: "$(sync~spin)",
  completed: "$(pass)",
  errored: "$(error)",
  aborted: "$(circle-slash)",
};

export class RunStatusBar extends Disposable {
  private readonly item = this.track(
    vscode.window.createStatusBarItem("lamindb.run", vscode.StatusBarAlignment.Left, 100),
  );
  private shown: RunSummary | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private refreshing = 0;
  /** With lamindb.postgres.readUrl: the replica's state and lag, for the tooltip. */
  private replica: ReplicaStatus | undefined;
  private replicaAskedAt = 0;

  constructor(
    private readonly server: LaminServer,
    private readonly tracking: () => Tracking | undefined,
  ) {
    super();
    this.item.name = "LaminDB Run";
    this.track(vscode.window.onDidChangeActiveNotebookEditor(() => void this.refresh()));
    this.track(server.onDidChangeState(() => void this.refresh()));
    this.track(toDisposable(() => this.ticker && clearInterval(this.ticker)));
    void this.refresh();
  }

  /** Called when tracking starts (trust granted) so run changes reach the status bar. */
  attach(tracking: Tracking): void {
    this.track(tracking.onDidChangeRun((run) => this.onRun(run)));
    // the count of queued events (while the database is unreachable) follows the queue
    this.track(tracking.onDidChangePending(() => this.render()));
  }

  get text(): string | undefined {
    return this.item.text || undefined;
  }

  get run(): RunSummary | undefined {
    return this.shown;
  }

  private activeUri(): string | undefined {
    return vscode.window.activeNotebookEditor?.notebook.uri.toString();
  }

  private onRun(run: RunSummary): void {
    // runs of the notebook in view replace what is shown; a changed shown run updates in place
    if (this.shown?.id === run.id || this.matchesActive(run)) {
      this.shown = run;
      this.render();
      void this.refreshReplica();
    }
  }

  private matchesActive(run: RunSummary): boolean {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    if (!nb) return false;
    const key = vscode.workspace.asRelativePath(nb.uri, false).replace(/\\/g, "/");
    return run.transform.key === key;
  }

  async refresh(): Promise<void> {
    const uri = this.activeUri();
    const ticket = ++this.refreshing;
    if (!uri) {
      this.shown = undefined;
      return this.render();
    }
    const pending = this.server.requestIfRunning("lamin/activeRun", { notebookUri: uri });
    const run = pending ? await pending.catch(() => undefined) : undefined;
    if (ticket !== this.refreshing) return; // a newer refresh won
    this.shown = run ?? undefined;
    this.render();
    void this.refreshReplica();
  }

  // The replica's lag from lamin/status, asked at most once a second (each tracked cell calls this).
  private async refreshReplica(): Promise<void> {
    const now = Date.now();
    if (now - this.replicaAskedAt < 1000) return;
    this.replicaAskedAt = now;
    const status = await this.server.requestIfRunning("lamin/status", {})?.catch(() => undefined);
    this.replica = status?.replica;
    this.render();
  }

  private render(): void {
    const run = this.shown;
    const queued = this.tracking()?.pending ?? 0;
    if (!run || !vscode.window.activeNotebookEditor) {
      if (queued > 0 && vscode.window.activeNotebookEditor) {
        this.item.text = `$(cloud-upload) LaminDB: ${queued} queued`;
        this.item.tooltip = "Tracking events wait on disk until the database is reachable";
        this.item.command = Commands.showLog;
        this.item.show();
      } else this.item.hide();
      this.stopTicker();
      return;
    }
    const elapsed = formatElapsed(run);
    const q = queued > 0 ? ` $(cloud-upload) ${queued}` : "";
    this.item.text = `${ICONS[run.status]} Run ${run.uid.slice(0, 8)} ${run.status} ${elapsed}${q}`;
    const md = new vscode.MarkdownString(
      `**Run** \`${run.uid}\` — ${run.status}\n\n` +
        `Transform \`${run.transform.key}\` (version ${run.transform.version})\n\n` +
        `Started ${new Date(run.started_at).toLocaleString()}` +
        (run.finished_at ? `, finished ${new Date(run.finished_at).toLocaleString()}` : "") +
        (run.trackedBy === "lamindb" ? `\n\nTracked by LaminDB (the notebook calls \`ln.track()\`)` : "") +
        `\n\nClick to show describe()`,
    );
    const replica = replicaLine(this.replica);
    if (replica) md.appendMarkdown("\n\n").appendText(replica); // appendText escapes the URL and error
    this.item.tooltip = md;
    this.item.command = { command: Commands.showRun, title: "Show run", arguments: [run.uid] };
    this.item.show();
    if (run.status === "started" || run.status === "restarted") this.startTicker();
    else this.stopTicker();
  }

  private startTicker(): void {
    this.ticker ??= setInterval(() => this.render(), 1000);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

/** The tooltip's line about the read replica: where reads go and how far behind it is. */
export function replicaLine(replica: ReplicaStatus | undefined): string | undefined {
  if (!replica) return undefined;
  if (!replica.connected)
    return `Reads: the primary (the replica ${replica.location} is unreachable${replica.error ? `: ${replica.error}` : ""})`;
  if (replica.lagBytes === undefined) return `Reads: the replica ${replica.location}`;
  const lag =
    replica.lagBytes === 0
      ? "caught up"
      : `${formatBytes(replica.lagBytes)} behind (${(replica.lagSeconds ?? 0).toFixed(1)} s)`;
  return `Reads: the replica ${replica.location}, ${lag}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatElapsed(run: Pick<RunSummary, "started_at" | "finished_at">, now = Date.now()): string {
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  const s = Math.max(0, (end - Date.parse(run.started_at)) / 1000);
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
