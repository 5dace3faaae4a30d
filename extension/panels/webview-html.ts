// The HTML shell of the extension's webviews: a strict CSP (scripts only with a per-load nonce or from
// the extension's own files), resources through asWebviewUri, and every interpolated value escaped.
import * as vscode from "vscode";
import { randomBytes } from "node:crypto";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface WebviewPage {
  title: string;
  /** The entry module under dist/webview/. */
  script: string;
  /** Style sheets under dist/webview/. */
  styles?: string[];
  /** data-* attributes of <body>: modules the entry loads, initial values. */
  data?: Record<string, string>;
  /** Allow blob: workers (monaco's editor worker). */
  workers?: boolean;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist")] };
}

export function distUri(webview: vscode.Webview, extensionUri: vscode.Uri, ...path: string[]): string {
  return webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", ...path)).toString();
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString("base64");
  const src = webview.cspSource;
  // styles: the renderers and monaco inject <style> elements and inline styles at run time
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${src}`,
    `style-src ${src} 'unsafe-inline'`,
    `font-src ${src}`,
    `img-src ${src} data:`,
    ...(page.workers ? ["worker-src blob:"] : []),
  ].join("; ");
  const styles = (page.styles ?? [])
    .map((s) => `<link rel="stylesheet" href="${escapeHtml(distUri(webview, extensionUri, "webview", s))}">`)
    .join("\n");
  const data = Object.entries(page.data ?? {})
    .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/g, "")}="${escapeHtml(v)}"`)
    .join("");
  const script = escapeHtml(distUri(webview, extensionUri, "webview", page.script));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
${styles}
</head>
<body${data}>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
