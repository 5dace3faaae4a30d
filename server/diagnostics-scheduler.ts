// When diagnostics run: per document (Python, JavaScript, TypeScript), debounced after edits; for every
// open document after the data changed (a value that was unknown may exist now).
import type { Connection, Range } from "vscode-languageserver";
import { withStatementTimeout } from "../db/index";
import { diagnose } from "./diagnostics";
import type { Documents } from "./documents";
import type { RegistryValues } from "./data/registry-values";
import { errorMessage, log } from "./log";

const EDIT_DELAY_MS = 250;
const DATA_DELAY_MS = 500;
/** Every statement of completion, hover and diagnostics runs under this statement_timeout. */
export const BOUNDED_STATEMENT_MS = 5000;

export class Diagnostics {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private allTimer?: NodeJS.Timeout;
  /** The registries of the changes refreshAll() has not acted on yet ("all": any data). */
  private refreshing?: Set<string> | "all";
  /** Per document: the registries its last diagnostics run looked values up in. */
  private readonly lookedUp = new Map<string, Set<string>>();
  private readonly published = new Set<string>();
  /** The ranges the client shows of each document (lamin/visibleRanges): where "did you mean" runs. */
  private readonly visible = new Map<string, Range[]>();

  constructor(
    private readonly connection: Connection,
    private readonly docs: Documents,
    private readonly values: RegistryValues,
    private readonly connected: () => boolean,
  ) {}

  private disposed = false;

  /** The server stops: no timer stays behind, and nothing is scheduled any more. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    clearTimeout(this.allTimer);
  }

  schedule(uri: string, delay = EDIT_DELAY_MS): void {
    if (this.disposed) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri);
      }, delay),
    );
  }

  /**
   * The data changed: diagnostics run again for every document, or, when the change names a registry,
   * for those whose last run looked values up in it (or has not run yet). A window's poll sees another
   * window's run writes every second; a document checking ULabels need not be parsed, checked and
   * published again for them.
   */
  refreshAll(registry?: string): void {
    if (this.disposed) return;
    if (registry === undefined) this.refreshing = "all";
    else if (this.refreshing === undefined) this.refreshing = new Set([registry]);
    else if (this.refreshing !== "all") this.refreshing.add(registry);
    clearTimeout(this.allTimer);
    this.allTimer = setTimeout(() => {
      const changed = this.refreshing;
      this.refreshing = undefined;
      const affected = (uri: string) => {
        const used = this.lookedUp.get(uri);
        return changed === "all" || !changed || !used || [...changed].some((r) => used.has(r));
      };
      for (const uri of this.published) if (affected(uri)) this.schedule(uri, 0);
      for (const doc of this.docs.allSources())
        if (doc.getText().includes(".get(") && affected(doc.uri)) this.schedule(doc.uri, 0);
    }, DATA_DELAY_MS);
  }

  /** The client scrolled: suggestions for what came into view (debounced as edits are). */
  setVisible(uri: string, ranges: Range[]): void {
    this.visible.set(uri, ranges);
    if (this.docs.get(uri)) this.schedule(uri);
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.visible.delete(uri);
    this.lookedUp.delete(uri);
    if (this.published.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** One run per document at a time: a run queued behind another finds its values cached. */
  private readonly running = new Map<string, Promise<void>>();

  private run(uri: string): Promise<void> {
    const next = (this.running.get(uri) ?? Promise.resolve()).then(() => this.runNow(uri));
    this.running.set(uri, next);
    void next.finally(() => {
      if (this.running.get(uri) === next) this.running.delete(uri);
    });
    return next;
  }

  private async runNow(uri: string): Promise<void> {
    const doc = this.docs.get(uri);
    // until a run completes, which registries the document reads is unknown: any change refreshes it
    this.lookedUp.delete(uri);
    if (!doc || !this.docs.languageOf(doc) || !this.connected()) return;
    try {
      const ranges = this.visible
        .get(uri)
        ?.map((r) => ({ start: doc.offsetAt(r.start), end: doc.offsetAt(r.end) }));
      const registries = new Set<string>();
      const diagnostics = await withStatementTimeout(BOUNDED_STATEMENT_MS, () =>
        diagnose(this.docs, doc, this.values, ranges, registries),
      );
      this.lookedUp.set(uri, registries);
      if (diagnostics.length === 0 && !this.published.has(uri)) return;
      if (diagnostics.length) this.published.add(uri);
      else this.published.delete(uri);
      await this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    } catch (e) {
      log("warn", `diagnostics failed for ${uri}: ${errorMessage(e)}`);
    }
  }
}
