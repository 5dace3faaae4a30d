// The commands of the sidebar, the describe panel, the explorer and search. Tree elements arrive as
// the first argument (inline and context menus); the palette versions ask.
import * as vscode from "vscode";
import type { RunStatus } from "../../db/shapes";
import type { LaminServer } from "../client/server";
import type { DescribePanel } from "../panels/describe-panel";
import { openNotebook } from "../panels/notebook-of";
import type { RunsExplorer } from "../panels/runs-explorer";
import type { Sidebar } from "../sidebar/sidebar";
import type { TreeNode } from "../sidebar/nodes";
import { targetOf, type RecordTarget } from "../sidebar/tree-items";
import { RUN_STATUSES, type GroupBy } from "../sidebar/view-settings";
import { Commands } from "./ids";
import { searchQuickPick } from "./search";

export interface InspectDeps {
  server: LaminServer;
  sidebar: () => Sidebar;
  describe: () => DescribePanel;
  explorer: () => RunsExplorer;
}

type Handler = (...args: unknown[]) => unknown;

async function withId(
  server: LaminServer,
  t: RecordTarget,
): Promise<RecordTarget & { id: number; uid: string }> {
  if (t.id !== undefined && t.uid !== undefined) return { ...t, id: t.id, uid: t.uid };
  const d = await server.request("lamin/describe", {
    registry: t.registry,
    ...(t.id !== undefined ? { id: t.id } : { uid: t.uid }),
  });
  return { registry: t.registry, id: d.id, uid: d.uid };
}

function needTarget(arg: unknown): RecordTarget {
  const t = targetOf(arg);
  if (!t) throw new Error("select a run or record in the LaminDB view first");
  return t;
}

function nameOf(t: RecordTarget & { uid: string }): string {
  return `${t.registry} ${t.uid}`;
}

export function inspectHandlers(deps: InspectDeps): Record<string, Handler> {
  const { server } = deps;
  const changed = () => deps.sidebar().refresh();
  return {
    [Commands.refreshViews]: () => deps.sidebar().refresh(),
    [Commands.describe]: async (arg) => {
      const t = targetOf(arg);
      if (!t) return searchQuickPick(server, (picked) => deps.describe().show(picked));
      await deps.describe().show(t);
    },
    [Commands.openNotebook]: async (arg) => {
      const node = arg as Partial<TreeNode> | undefined;
      let key =
        node?.kind === "run" ? (node as Extract<TreeNode, { kind: "run" }>).run.transform.key : undefined;
      if (!key) {
        const t = needTarget(arg);
        const run = await server.request("lamin/run", t.id !== undefined ? { id: t.id } : { uid: t.uid! });
        key = run?.transform.key;
      }
      if (!key) throw new Error("this run has no notebook");
      await openNotebook(key);
    },
    [Commands.copyUid]: async (arg) => {
      const t = await withId(server, needTarget(arg));
      await vscode.env.clipboard.writeText(t.uid);
      vscode.window.setStatusBarMessage(`LaminDB: copied ${t.uid}`, 3000);
    },
    [Commands.trash]: async (arg) => {
      const t = await withId(server, needTarget(arg));
      await server.request("lamin/delete", { registry: t.registry, id: t.id });
      changed();
      vscode.window.setStatusBarMessage(`LaminDB: ${nameOf(t)} moved to the trash`, 5000);
    },
    [Commands.restore]: async (arg) => {
      const t = await withId(server, needTarget(arg));
      await server.request("lamin/restore", { registry: t.registry, id: t.id });
      changed();
      vscode.window.setStatusBarMessage(`LaminDB: ${nameOf(t)} restored`, 5000);
    },
    [Commands.deletePermanently]: async (arg) => {
      const t = await withId(server, needTarget(arg));
      const ok = await vscode.window.showWarningMessage(
        `Delete ${nameOf(t)} permanently?`,
        { modal: true, detail: "This cannot be undone. Move it to the trash to keep a way back." },
        "Delete permanently",
      );
      if (ok !== "Delete permanently") return;
      await server.request("lamin/delete", { registry: t.registry, id: t.id, permanent: true });
      changed();
    },
    [Commands.filterStatus]: async (arg) => {
      const settings = deps.sidebar().settings;
      let statuses: RunStatus[] | undefined = Array.isArray(arg) ? (arg as RunStatus[]) : undefined;
      if (!statuses) {
        const current = settings.statusFilter;
        const picks = await vscode.window.showQuickPick(
          RUN_STATUSES.map((s) => ({ label: s, picked: current.includes(s) })),
          { canPickMany: true, title: "LaminDB: show runs with status (none: all)" },
        );
        if (!picks) return;
        statuses = picks.map((p) => p.label as RunStatus);
      }
      await settings.update({ statusFilter: statuses.length === RUN_STATUSES.length ? [] : statuses });
    },
    [Commands.groupBy]: async (arg) => {
      let by = arg === "none" || arg === "transform" || arg === "status" ? (arg as GroupBy) : undefined;
      if (!by) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: "No grouping", by: "none" as const },
            { label: "Group by transform", by: "transform" as const },
            { label: "Group by status", by: "status" as const },
          ],
          { title: "LaminDB: group runs" },
        );
        by = pick?.by;
      }
      if (by) await deps.sidebar().settings.update({ groupBy: by });
    },
    [Commands.toggleTrash]: async () => {
      const settings = deps.sidebar().settings;
      await settings.update({ showTrash: !settings.showTrash });
    },
    [Commands.search]: () => searchQuickPick(server, (picked) => deps.describe().show(picked)),
    [Commands.openExplorer]: (query) => deps.explorer().open(typeof query === "string" ? query : undefined),
  };
}
