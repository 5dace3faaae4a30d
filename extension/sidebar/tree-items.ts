// The elements of the three trees and how each is drawn. Elements are plain data from the server
// (plus, for "Load more…", the paged list and its next offset): the providers keep nothing between calls.
import * as vscode from "vscode";
import type { RunStatus } from "../../db/shapes";
import { TRASH_BRANCH_ID, type RunSummary } from "../../server/protocol";
import { Commands } from "../commands/ids";
import type { RunGrouping, TreeNode } from "./nodes";

const STATUS_ICONS: Record<RunStatus, [string, string | undefined]> = {
  completed: ["pass", "testing.iconPassed"],
  errored: ["error", "testing.iconFailed"],
  started: ["sync~spin", undefined],
  restarted: ["sync~spin", undefined],
  scheduled: ["clock", undefined],
  aborted: ["circle-slash", "disabledForeground"],
};

export function statusIcon(status: RunStatus): vscode.ThemeIcon {
  const [id, color] = STATUS_ICONS[status] ?? ["circle-outline", undefined];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function when(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function runItem(run: RunSummary, grouped: RunGrouping): vscode.TreeItem {
  const trashed = run.branch_id === TRASH_BRANCH_ID;
  const label = grouped === "transform" ? when(run.started_at) : (run.name ?? run.transform.key);
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.description = [
    run.status,
    run.uid.slice(0, 8),
    grouped === "transform" ? "" : when(run.started_at),
    run.trackedBy === "lamindb" ? "tracked by LaminDB" : "",
  ]
    .filter(Boolean)
    .join(" · ")
    .concat(trashed ? " · in trash" : "");
  item.iconPath = trashed ? new vscode.ThemeIcon("trash") : statusIcon(run.status);
  const tip = new vscode.MarkdownString(undefined, true);
  tip.appendMarkdown(`**Run** \`${run.uid}\` — ${run.status}\n\n`);
  tip.appendText(`${run.transform.key} (${run.transform.kind}, version ${run.transform.version})\n`);
  tip.appendText(
    `started ${when(run.started_at)}${run.finished_at ? `, finished ${when(run.finished_at)}` : ""}\n`,
  );
  tip.appendText(`by ${run.created_by}`);
  if (run.trackedBy === "lamindb") tip.appendText("\ntracked by LaminDB (the notebook calls ln.track())");
  item.tooltip = tip;
  item.contextValue = [
    "run",
    trashed ? "trashed" : "live",
    run.transform.kind === "notebook" ? "notebook" : "",
  ]
    .filter(Boolean)
    .join(" ");
  item.command = {
    command: Commands.describe,
    title: "Describe",
    arguments: [{ registry: "Run", id: run.id }],
  };
  item.accessibilityInformation = { label: `Run ${run.uid} ${run.status} ${run.transform.key}` };
  return item;
}

function more(offset: number, total: number): vscode.TreeItem {
  const item = new vscode.TreeItem("Load more…", vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${offset.toLocaleString()} of ${total.toLocaleString()} shown`;
  item.iconPath = new vscode.ThemeIcon("ellipsis");
  item.contextValue = "more";
  return item;
}

export function toTreeItem(node: TreeNode): vscode.TreeItem {
  switch (node.kind) {
    case "run":
      return runItem(node.run, node.grouped);
    case "more":
      return more(node.offset, node.total);
    case "status": {
      const item = new vscode.TreeItem(node.status, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = node.count.toLocaleString();
      item.iconPath = statusIcon(node.status);
      item.contextValue = "status";
      return item;
    }
    case "transformGroup": {
      const t = node.transform;
      const item = new vscode.TreeItem(t.key, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${t.kind} · v${t.version}`;
      item.iconPath = new vscode.ThemeIcon(t.kind === "notebook" ? "notebook" : "symbol-method");
      item.contextValue = "transform";
      return item;
    }
    case "key": {
      const k = node.key;
      const item = new vscode.TreeItem(k.key, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${k.kind} · ${k.versions === 1 ? "1 version" : `${k.versions.toLocaleString()} versions`}`;
      item.iconPath = new vscode.ThemeIcon(k.kind === "notebook" ? "notebook" : "symbol-method");
      item.tooltip = `${k.key}: latest version ${k.latest.version}, last active ${when(k.activity)}`;
      item.contextValue = "transformKey";
      return item;
    }
    case "version": {
      const t = node.transform;
      const item = new vscode.TreeItem(`version ${t.version}`, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${t.uid}${t.is_latest ? " · latest" : ""}`;
      item.iconPath = new vscode.ThemeIcon("versions");
      item.contextValue = "record transform";
      item.tooltip = `${t.key}, created ${when(t.created_at)}`;
      return item;
    }
    case "registry": {
      const item = new vscode.TreeItem(node.registry, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = node.count.toLocaleString();
      item.iconPath = new vscode.ThemeIcon("database");
      item.contextValue = "registry";
      return item;
    }
    case "record": {
      const r = node.record;
      const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
      item.description = r.uid;
      item.tooltip = r.description ?? undefined;
      item.iconPath = new vscode.ThemeIcon("symbol-field");
      item.contextValue = "record";
      item.command = {
        command: Commands.describe,
        title: "Describe",
        arguments: [{ registry: r.registry, id: r.id }],
      };
      return item;
    }
    case "message": {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.tooltip = node.detail;
      item.iconPath = new vscode.ThemeIcon(node.waiting ? "loading~spin" : "info");
      return item;
    }
  }
}

/** The record a tree element (or a command argument) stands for: what describe/copy/delete act on. */
export interface RecordTarget {
  registry: string;
  id?: number;
  uid?: string;
}

export function targetOf(arg: unknown): RecordTarget | undefined {
  if (typeof arg === "string") return { registry: "Run", uid: arg };
  if (typeof arg !== "object" || arg === null) return undefined;
  const node = arg as TreeNode;
  switch (node.kind) {
    case "run":
      return { registry: "Run", id: node.run.id, uid: node.run.uid };
    case "record":
      return { registry: node.record.registry, id: node.record.id, uid: node.record.uid };
    case "version":
    case "transformGroup":
      return { registry: "Transform", id: node.transform.id, uid: node.transform.uid };
  }
  const n = arg as Partial<RecordTarget>;
  if (typeof n.registry === "string" && (typeof n.id === "number" || typeof n.uid === "string"))
    return { registry: n.registry, id: n.id, uid: n.uid };
  return undefined;
}
