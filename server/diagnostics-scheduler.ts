// When diagnostics run: per document (Python, JavaScript, TypeScript), debounced after edits; for every
// open document after the data changed (a value that was unknown may exist now).
import type { Connection } from "vscode-languageserver";
import { diagnose } from "./diagnostics";
import type { Documents } from "./documents";
import type { RegistryValues } from "./data/registry-values";
import { errorMessage, log } from "./log";

const EDIT_DELAY_MS = 250;
const DATA_DELAY_MS = 500;

export class Diagnostics {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private allTimer?: NodeJS.Timeout;
  private readonly published = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly docs: Documents,
    private readonly values: RegistryValues,
    private readonly connected: () => boolean,
  ) {}

  schedule(uri: string, delay = EDIT_DELAY_MS): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri);
      }, delay),
    );
  }

  refreshAll(): void {
    clearTimeout(this.allTimer);
    this.allTimer = setTimeout(() => {
      for (const uri of this.published) this.schedule(uri, 0);
      for (const doc of this.docs.allSources())
        if (doc.getText().includes(".get(")) this.schedule(doc.uri, 0);
    }, DATA_DELAY_MS);
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    if (this.published.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async run(uri: string): Promise<void> {
    const doc = this.docs.get(uri);
    if (!doc || !this.docs.languageOf(doc) || !this.connected()) return;
    try {
      const diagnostics = await diagnose(this.docs, doc, this.values);
      if (diagnostics.length === 0 && !this.published.has(uri)) return;
      if (diagnostics.length) this.published.add(uri);
      else this.published.delete(uri);
      await this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    } catch (e) {
      log("warn", `diagnostics failed for ${uri}: ${errorMessage(e)}`);
    }
  }
}
