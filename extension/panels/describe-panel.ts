// One "describe" panel: the describe renderer (dist/renderer/describe.js, loaded by the webview
// script) drawing a record with its lineage. Links (openRecord) describe the linked record in the same
// panel; a run of a notebook offers "Open notebook".
import * as vscode from "vscode";
import type { RecordRef } from "../../db/shapes";
import type { LaminServer } from "../client/server";
import type { RecordTarget } from "../sidebar/tree-items";
import { Disposable } from "../util/disposable";
import type { DescribeFromWebview, DescribeToWebview } from "./messages";
import { openNotebook } from "./notebook-of";
import { distUri, webviewHtml, webviewOptions } from "./webview-html";

export const DESCRIBE_PANEL_TYPE = "lamindb.describe";

/** A renderer's RecordRef as a describe target: by id when it has one, else by uid. */
export function targetOfRef(ref: RecordRef): RecordTarget {
  return Number.isFinite(ref.id)
    ? { registry: ref.registry, id: ref.id }
    : { registry: ref.registry, uid: ref.uid };
}

export class DescribePanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pending: DescribeToWebview | undefined;
  private notebookKey: string | undefined;
  private readonly shownEmitter = this.track(new vscode.EventEmitter<{ registry: string; uid: string }>());
  /** Fires once the panel was sent a description (tests wait on it). */
  readonly onDidShow = this.shownEmitter.event;

  constructor(
    private readonly server: Pick<LaminServer, "request">,
    private readonly extensionUri: vscode.Uri,
  ) {
    super();
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Whether the panel's page has loaded (its webview posted "ready"). */
  get isReady(): boolean {
    return this.panel !== undefined && this.ready;
  }

  async show(target: RecordTarget): Promise<void> {
    const description = await this.server.request("lamin/describe", {
      registry: target.registry,
      ...(target.id !== undefined ? { id: target.id } : { uid: target.uid }),
    });
    let notebook: string | undefined;
    if (description.registry === "Run") {
      const run = await this.server.request("lamin/run", { id: description.id });
      if (run?.transform.kind === "notebook") notebook = run.transform.key;
    }
    this.notebookKey = notebook;
    const panel = this.reveal(description.title);
    panel.title = `LaminDB: ${description.title}`;
    this.post({ type: "show", description, ...(notebook ? { notebook } : {}) });
    this.shownEmitter.fire({ registry: description.registry, uid: description.uid });
  }

  private reveal(title: string): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      DESCRIBE_PANEL_TYPE,
      `LaminDB: ${title}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true },
    );
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      title: "LaminDB describe",
      script: "describe-panel.js",
      data: { renderer: distUri(panel.webview, this.extensionUri, "renderer", "describe.js") },
    });
    const subs = [
      panel.webview.onDidReceiveMessage((m: DescribeFromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => {
        subs.forEach((d) => d.dispose());
        this.panel = undefined;
      }),
    ];
    this.panel = panel;
    this.track(panel);
    return panel;
  }

  private post(message: DescribeToWebview): void {
    if (this.ready) void this.panel?.webview.postMessage(message);
    else this.pending = message;
  }

  private async onMessage(m: DescribeFromWebview): Promise<void> {
    if (m.type === "ready") {
      this.ready = true;
      if (this.pending) void this.panel?.webview.postMessage(this.pending);
      this.pending = undefined;
    } else if (m.type === "openRecord") {
      try {
        await this.show(targetOfRef(m.ref));
      } catch (e) {
        this.post({ type: "describeError", message: e instanceof Error ? e.message : String(e) });
      }
    } else if (m.type === "openNotebook" && this.notebookKey) {
      await openNotebook(this.notebookKey);
    }
  }
}
