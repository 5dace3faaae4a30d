// LaminDB: Load demo data: the server adds the demo registry (lamin/loadDemoData) to the current instance,
// with progress. Loading only inserts and leaves what exists alone; on a PostgreSQL instance (usually shared
// with others) it asks first.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";

export async function loadDemoData(server: LaminServer): Promise<void> {
  const client = await server.start();
  if (!client) throw new Error("the language server is not running; check the log, then restart it");
  const status = await server.request("lamin/status", {});
  if (status.kind === "postgres") {
    const go = await vscode.window.showWarningMessage(
      `Add LaminDB's demo data to ${status.location}? It adds about 2,400 labels (cell types, gene symbols), ` +
        "three projects, five features and three transforms with their runs and artifacts. Existing rows are not changed.",
      { modal: true },
      "Add demo data",
    );
    if (go !== "Add demo data") return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "LaminDB: loading demo data…" },
    () => server.request("lamin/loadDemoData", {}),
  );
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([registry, n]) => `${n.toLocaleString()} ${registry}`)
      .join(", ");
  const created = list(result.created);
  void vscode.window.showInformationMessage(
    created
      ? `LaminDB: demo data loaded: ${created}. Try the Registries view, or ln.ULabel.get(name=" in a notebook.`
      : "LaminDB: the demo data is there already; nothing was added.",
  );
}
