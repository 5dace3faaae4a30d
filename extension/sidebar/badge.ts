// The Runs view's badge: how many runs are running now (started or restarted), from the server.
import type * as vscode from "vscode";
import type { LaminServer } from "../client/server";

export async function runningBadge(
  server: Pick<LaminServer, "request">,
): Promise<vscode.ViewBadge | undefined> {
  const page = await server.request("lamin/runs", { status: ["started", "restarted"], offset: 0, limit: 0 });
  if (page.total === 0) return undefined;
  return { value: page.total, tooltip: `${page.total} run${page.total === 1 ? "" : "s"} running` };
}
