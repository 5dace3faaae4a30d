// Search: a quick pick backed by the server's search() over the main registries, grouped by registry.
import * as vscode from "vscode";
import type { LaminServer } from "../client/server";
import type { RecordSummary } from "../../server/protocol";
import type { RecordTarget } from "../sidebar/tree-items";

export const SEARCH_REGISTRIES = [
  "Run",
  "Transform",
  "Artifact",
  "Collection",
  "ULabel",
  "Project",
  "Record",
  "Feature",
];

type Item = vscode.QuickPickItem & { record?: RecordSummary };

export function searchQuickPick(
  server: Pick<LaminServer, "request">,
  onPick: (target: RecordTarget) => Promise<void>,
): Promise<void> {
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = "LaminDB: search records";
  qp.placeholder = "Type to search runs, transforms, artifacts, labels, projects, records, features…";
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const search = async (query: string) => {
    const mine = ++generation;
    if (!query.trim()) {
      qp.items = [];
      qp.busy = false;
      return;
    }
    qp.busy = true;
    const results = await Promise.all(
      SEARCH_REGISTRIES.map((registry) =>
        server.request("lamin/search", { registry, query, limit: 8 }).catch(() => [] as RecordSummary[]),
      ),
    );
    if (mine !== generation) return;
    const items: Item[] = [];
    results.forEach((found, i) => {
      if (!found.length) return;
      items.push({ label: SEARCH_REGISTRIES[i], kind: vscode.QuickPickItemKind.Separator });
      for (const record of found)
        items.push({
          label: record.label,
          description: record.uid,
          detail: record.description ?? undefined,
          record,
        });
    });
    qp.items = items;
    qp.busy = false;
  };
  return new Promise<void>((resolve) => {
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => void search(v), 200);
    });
    qp.onDidAccept(async () => {
      const record = qp.selectedItems[0]?.record;
      if (!record) return;
      qp.hide();
      await onPick({ registry: record.registry, id: record.id, uid: record.uid });
    });
    qp.onDidHide(() => {
      clearTimeout(timer);
      qp.dispose();
      resolve();
    });
    qp.show();
  });
}
