// The Runs view's settings (grouping, status filter, trash shown): kept in workspaceState and mirrored
// into context keys for the view's menus. Settings of the view, not state of the tree.
import * as vscode from "vscode";
import type { RunStatus } from "../../db/shapes";
import { ContextKeys } from "../commands/ids";
import { Disposable } from "../util/disposable";

export type GroupBy = "none" | "transform" | "status";
export const RUN_STATUSES: RunStatus[] = [
  "started",
  "restarted",
  "scheduled",
  "completed",
  "errored",
  "aborted",
];

const KEYS = { groupBy: "lamindb.runs.groupBy", status: "lamindb.runs.status", trash: "lamindb.runs.trash" };

export class ViewSettings extends Disposable {
  private readonly changed = this.track(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    super();
    void this.publish();
  }

  get groupBy(): GroupBy {
    const v = this.state.get<string>(KEYS.groupBy);
    return v === "transform" || v === "status" ? v : "none";
  }

  /** Empty: every status. */
  get statusFilter(): RunStatus[] {
    const v = this.state.get<unknown>(KEYS.status);
    return Array.isArray(v) ? RUN_STATUSES.filter((s) => v.includes(s)) : [];
  }

  get showTrash(): boolean {
    return this.state.get<boolean>(KEYS.trash) === true;
  }

  async update(change: {
    groupBy?: GroupBy;
    statusFilter?: RunStatus[];
    showTrash?: boolean;
  }): Promise<void> {
    if (change.groupBy !== undefined) await this.state.update(KEYS.groupBy, change.groupBy);
    if (change.statusFilter !== undefined) await this.state.update(KEYS.status, change.statusFilter);
    if (change.showTrash !== undefined) await this.state.update(KEYS.trash, change.showTrash);
    await this.publish();
    this.changed.fire();
  }

  private async publish(): Promise<void> {
    await vscode.commands.executeCommand("setContext", ContextKeys.groupBy, this.groupBy);
    await vscode.commands.executeCommand(
      "setContext",
      ContextKeys.statusFilter,
      this.statusFilter.length > 0,
    );
    await vscode.commands.executeCommand("setContext", ContextKeys.showTrash, this.showTrash);
  }
}
