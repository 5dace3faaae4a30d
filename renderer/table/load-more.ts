// "Load more" over renderer messaging: post loadMore with a fresh requestId, wait for the matching
// "rows" (or "error") answer. Only possible when the host can both send and receive.
import type { DataFrame } from "../../db/shapes";
import type { Disposable, RendererHost } from "../host";

const TIMEOUT_MS = 30_000;
let counter = 0;

export function canLoadMore(host: RendererHost): boolean {
  return typeof host.postMessage === "function" && typeof host.onDidReceiveMessage === "function";
}

export class LoadMoreChannel {
  private pending: { requestId: string; timer: ReturnType<typeof setTimeout> } | null = null;
  private readonly subscription: Disposable | null;

  constructor(
    private readonly host: RendererHost,
    private readonly onRows: (frame: DataFrame) => void,
    private readonly onError: (message: string) => void,
  ) {
    this.subscription =
      host.onDidReceiveMessage?.((message) => {
        if (!this.pending || message.requestId !== this.pending.requestId) return;
        clearTimeout(this.pending.timer);
        this.pending = null;
        if (message.type === "rows") this.onRows(message.frame);
        else this.onError(message.message);
      }) ?? null;
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  request(token: string, offset: number): string | null {
    if (this.pending || !this.host.postMessage) return null;
    const requestId = `ldb-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    const timer = setTimeout(() => {
      if (this.pending?.requestId !== requestId) return;
      this.pending = null;
      this.onError("The LaminDB extension did not answer.");
    }, TIMEOUT_MS);
    this.pending = { requestId, timer };
    this.host.postMessage({ type: "loadMore", token, offset, requestId });
    return requestId;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
    this.subscription?.dispose();
  }
}
