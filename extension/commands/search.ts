// Search: a quick pick backed by the server's search() over the main registries, in registry order.
// Typed before the database is open (the server starts with the first request), a search fails; the
// pick says so and searches again when the server reports the database connected.
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

/** What one registry's search gave: its records, or why it failed. */
type Found = { records: RecordSummary[] } | { error: string };

// The server matched and ranked these already: alwaysShow keeps the quick pick's own label filter from
// hiding a record found by another field, and the registry is in the description because the quick pick
// hides separators while its input has text.
function itemsOf(results: Found[]): Item[] {
  const items: Item[] = results.flatMap((found) =>
    "records" in found
      ? found.records.map((record) => ({
          label: record.label,
          description: `${record.registry} · ${record.uid}`,
          detail: record.description ?? undefined,
          alwaysShow: true,
          record,
        }))
      : [],
  );
  if (items.length === 0 && results.every((r) => "error" in r)) {
    // every registry failed: say why (the message, not an empty list that looks like "no matches")
    const error = (results[0] as { error: string }).error;
    items.push({ label: "$(warning) Cannot search yet", detail: error, alwaysShow: true });
  }
  return items;
}

export function searchQuickPick(
  server: Pick<LaminServer, "request" | "onNotification">,
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
        server.request("lamin/search", { registry, query, limit: 8 }).then(
          (records): Found => ({ records }),
          (e: unknown): Found => ({ error: e instanceof Error ? e.message : String(e) }),
        ),
      ),
    );
    if (mine !== generation) return;
    qp.items = itemsOf(results);
    qp.busy = false;
  };
  const connected = server.onNotification("lamin/connectionChanged", (p) => {
    if (p.connected) void search(qp.value);
  });
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
      connected.dispose();
      qp.dispose();
      resolve();
    });
    qp.show();
  });
}
