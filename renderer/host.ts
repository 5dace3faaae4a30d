// The "host" is whatever carries messages to and from the extension: a notebook RendererContext
// (when VS Code's messaging is available) or the sidebar's detail webview. Renderers only see this.
import type { RendererContext } from "vscode-notebook-renderer";
import type { ExtensionToRendererMessage, RecordRef, RendererMessage } from "../db/shapes";

export interface Disposable {
  dispose(): void;
}

export interface RendererHost {
  /** Absent where no extension answers (requiresMessaging: "optional"): links then render as text. */
  postMessage?(message: RendererMessage): void;
  onDidReceiveMessage?(listener: (message: ExtensionToRendererMessage) => void): Disposable;
}

/** Adapts VS Code's RendererContext; messaging is optional, so both members may be missing. */
export function hostFromContext(ctx: RendererContext<unknown>): RendererHost {
  const host: RendererHost = {};
  if (typeof ctx.postMessage === "function") {
    const post = ctx.postMessage.bind(ctx);
    host.postMessage = (message) => post(message);
  }
  const event = ctx.onDidReceiveMessage;
  if (typeof event === "function") {
    host.onDidReceiveMessage = (listener) =>
      event((raw: unknown) => {
        // Messages come from another process: check the shape before trusting it.
        if (isExtensionMessage(raw)) listener(raw);
      });
  }
  return host;
}

export function isExtensionMessage(raw: unknown): raw is ExtensionToRendererMessage {
  if (typeof raw !== "object" || raw === null) return false;
  const m = raw as { type?: unknown; requestId?: unknown; frame?: unknown; message?: unknown };
  if (typeof m.requestId !== "string") return false;
  if (m.type === "rows") return typeof m.frame === "object" && m.frame !== null;
  if (m.type === "error") return typeof m.message === "string";
  return false;
}

/** Posts openRecord when the host can; returns false so callers can keep links as plain text. */
export function canOpenRecords(host: RendererHost): boolean {
  return typeof host.postMessage === "function";
}

export function openRecord(host: RendererHost, ref: RecordRef): void {
  host.postMessage?.({ type: "openRecord", ref });
}

/**
 * Host for the sidebar's detail panel (a plain webview): `acquireVsCodeApi()` sends, window "message"
 * events receive. The same renderers then work there as in a notebook.
 */
export function hostFromWebview(api: { postMessage(message: unknown): void }, win: Window): RendererHost {
  return {
    postMessage: (message) => api.postMessage(message),
    onDidReceiveMessage: (listener) => {
      const handler = (event: MessageEvent<unknown>): void => {
        if (isExtensionMessage(event.data)) listener(event.data);
      };
      win.addEventListener("message", handler);
      return { dispose: () => win.removeEventListener("message", handler) };
    },
  };
}
