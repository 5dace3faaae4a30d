// lamin/runChanged for runs changed by other processes (from NOTIFY ids). Runs this server just
// wrote were already announced by the tracker, so those are skipped for a moment.
import { runsAll } from "./data/typed";
import type { Change } from "./connection/changes";
import type { Database } from "./connection/database";
import type { LaminNotifications } from "./protocol";
import { runSummaries } from "./tracking/summaries";

const OWN_WRITE_WINDOW_MS = 2000;
const MAX_ANNOUNCED = 20;

type Notify = <M extends keyof LaminNotifications>(method: M, params: LaminNotifications[M]) => void;

export class RecentRuns {
  private readonly own = new Map<number, number>();

  mark(id: number): void {
    this.own.set(id, Date.now());
    if (this.own.size > 1000) this.own.clear();
  }

  async announce(change: Change, db: Database, notify: Notify): Promise<void> {
    const now = Date.now();
    const ids = (change.ids ?? [])
      .filter((id) => now - (this.own.get(id) ?? 0) > OWN_WRITE_WINDOW_MS)
      .slice(0, MAX_ANNOUNCED);
    if (ids.length === 0 || change.op === "DELETE") return;
    try {
      // the summaries read transforms through the registries, so inside the same database scope
      const summaries = await db.read(async () =>
        runSummaries(await runsAll().filter({ id__in: ids }).toArray()),
      );
      const kind = change.op === "INSERT" ? "created" : "updated";
      for (const run of summaries) notify("lamin/runChanged", { run, change: kind });
    } catch {
      // announcements are best effort; the sidebar also refreshes on registryChanged
    }
  }
}
