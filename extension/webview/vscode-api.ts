// The webview side's handle on VS Code (acquireVsCodeApi can be called once per page).
export interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();

/** The renderer bundle (dist/renderer/*.js) whose webview URI the extension put into <body data-renderer>. */
export function rendererUrl(): string {
  const url = document.body.dataset.renderer;
  if (!url) throw new Error("no renderer URL");
  return url;
}

/** A small text-only element (never innerHTML). */
export function text(tag: string, className: string, content: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  e.textContent = content;
  return e;
}

/** Adds a style sheet once (the CSP allows inline styles; scripts need the nonce). */
export function injectCss(id: string, css: string): void {
  if (document.querySelector(`style[data-lamin="${id}"]`)) return;
  const style = document.createElement("style");
  style.dataset.lamin = id;
  style.textContent = css;
  document.head.append(style);
}

export const PAGE_CSS = `
body { padding: 0 12px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
.lamin-toolbar { display: flex; gap: 8px; align-items: center; margin: 8px 0; min-height: 4px; }
.lamin-button { background: var(--vscode-button-background); color: var(--vscode-button-foreground);
  border: none; padding: 4px 10px; cursor: pointer; font: inherit; }
.lamin-button:hover { background: var(--vscode-button-hoverBackground); }
.lamin-button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.lamin-error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
.lamin-status { color: var(--vscode-descriptionForeground); }
`;
