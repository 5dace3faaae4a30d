// The Runs explorer: a one-line query editor (monaco; completions, the line's reading and its markers
// from the language server, which reads Python with one grammar) over the table renderer. A row click describes that record;
// "Load more" pages through lamin/loadMore.
import * as vscode from "vscode";
import type { DataFrame } from "../../db/shapes";
import type { ParseResult } from "../../server/protocol";
import type { LaminServer } from "../client/server";
import { ExplorerCompletions } from "../explorer/completions";
import { Disposable } from "../util/disposable";
import type { DescribePanel } from "./describe-panel";
import { targetOfRef } from "./describe-panel";
import { DEFAULT_QUERY, type ExplorerFromWebview, type ExplorerToWebview } from "./messages";
import { distUri, webviewHtml, webviewOptions } from "./webview-html";

export const EXPLORER_PANEL_TYPE = "lamindb.runsExplorer";

export interface ExplorerResult {
  query: string;
  frame?: DataFrame;
  error?: string;
}

export class RunsExplorer extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly queue: ExplorerToWebview[] = [];
  private readonly completions: ExplorerCompletions;
  private readonly resultEmitter = this.track(new vscode.EventEmitter<ExplorerResult>());
  private readonly completionEmitter = this.track(new vscode.EventEmitter<string[]>());
  /** Each query's outcome, as sent to the webview (tests read it). */
  readonly onDidRunQuery = this.resultEmitter.event;
  /** The labels of each completion list sent to the editor (tests read it). */
  readonly onDidComplete = this.completionEmitter.event;

  constructor(
    private readonly server: Pick<LaminServer, "request" | "start">,
    private readonly extensionUri: vscode.Uri,
    private readonly describe: DescribePanel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.completions = new ExplorerCompletions(server);
  }

  /** Opens (or reveals) the explorer; with a query, puts it in the editor and runs it. */
  open(query?: string): void {
    this.reveal();
    if (query !== undefined) this.post({ type: "setQuery", text: query, run: true });
  }

  private reveal(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      EXPLORER_PANEL_TYPE,
      "LaminDB: Runs explorer",
      vscode.ViewColumn.Active,
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true },
    );
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      title: "LaminDB Runs explorer",
      script: "explorer.js",
      styles: ["explorer.css"],
      workers: true,
      data: {
        renderer: distUri(panel.webview, this.extensionUri, "renderer", "table.js"),
        query: DEFAULT_QUERY,
      },
    });
    const subs = [
      panel.webview.onDidReceiveMessage((m: ExplorerFromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        this.panel = undefined;
        void this.completions.close();
      }),
    ];
    this.panel = panel;
    this.track(panel);
    return panel;
  }

  private post(message: ExplorerToWebview): void {
    if (this.ready && this.panel) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  private async onMessage(m: ExplorerFromWebview): Promise<void> {
    if (m.type !== "complete" && m.type !== "parse") this.log.info(`explorer: ${m.type}`);
    switch (m.type) {
      case "ready":
        this.ready = true;
        for (const q of this.queue.splice(0)) void this.panel?.webview.postMessage(q);
        return;
      case "run":
        return this.run(m.text);
      case "complete": {
        let items: Awaited<ReturnType<ExplorerCompletions["complete"]>> = [];
        try {
          items = await this.completions.complete(m.text, m.offset);
        } catch (e) {
          this.log.warn(`explorer completion: ${e instanceof Error ? e.message : String(e)}`);
        }
        this.post({ type: "completions", requestId: m.requestId, items });
        this.completionEmitter.fire(items.map((i) => i.label));
        return;
      }
      case "parse": {
        // no result: the webview keeps its markers (the server is starting or gone)
        const result = await this.server.request("lamin/parseQuery", { text: m.text }).catch(() => undefined);
        if (result) this.post({ type: "parsed", requestId: m.requestId, result });
        return;
      }
      case "openRecord":
        try {
          await this.describe.show(targetOfRef(m.ref));
        } catch (e) {
          void vscode.window.showErrorMessage(`LaminDB: ${e instanceof Error ? e.message : String(e)}`);
        }
        return;
      case "loadMore":
        try {
          const frame = await this.server.request("lamin/loadMore", { token: m.token, offset: m.offset });
          void this.panel?.webview.postMessage({ type: "rows", requestId: m.requestId, frame });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          void this.panel?.webview.postMessage({ type: "error", requestId: m.requestId, message });
        }
        return;
    }
  }

  private async run(text: string): Promise<void> {
    let parsed: ParseResult;
    try {
      parsed = await this.server.request("lamin/parseQuery", { text });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.post({ type: "queryError", message });
      this.resultEmitter.fire({ query: text, error: message });
      return;
    }
    if (!parsed.ok) {
      this.post({ type: "queryError", ...parsed.error });
      this.resultEmitter.fire({ query: text, error: parsed.error.message });
      return;
    }
    const q = parsed.query;
    try {
      const frame = await this.server.request("lamin/toDataFrame", {
        registry: q.registry,
        filter: q.filter,
        ...(q.include !== undefined ? { include: q.include } : {}),
        ...(q.features !== undefined ? { features: q.features } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.orderBy !== undefined ? { orderBy: q.orderBy } : {}),
      });
      this.log.info(`explorer: ${frame.total}${frame.totalExact === false ? "+" : ""} row(s) for ${text}`);
      this.post({ type: "frame", frame, query: text });
      this.resultEmitter.fire({ query: text, frame });
    } catch (e) {
      // the query API's own message (FieldError, unknown registry, ...), shown as an error on the line
      const message = e instanceof Error ? e.message : String(e);
      this.post({ type: "queryError", message });
      this.resultEmitter.fire({ query: text, error: message });
    }
  }
}
