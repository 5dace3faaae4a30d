// Drains the durable queue into the server, strictly in order. When the server or its database is
// unreachable the head stays put and the drain retries with backoff (or at once when kicked, e.g. on
// "connection back"). An event the server keeps rejecting while connected is set aside after a few
// tries, so one bad event cannot hold up every run behind it. Plain Node: no vscode.
import type { TrackEvent, TrackResult } from "../../server/protocol";
import type { DurableQueue } from "./queue";

/** What happened to one delivery attempt. */
export type Delivery =
  | { kind: "ok"; result: TrackResult }
  | { kind: "unavailable"; error: string } // server not running or database unreachable: retry later
  | { kind: "rejected"; error: string }; // the server answered with an error while connected

export interface SenderOptions {
  send: (event: TrackEvent) => Promise<Delivery>;
  onDelivered?: (event: TrackEvent, result: TrackResult) => void;
  onUnavailable?: (error: string, queued: number) => void;
  onDrained?: () => void;
  log?: (message: string) => void;
  maxRejections?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class EventSender {
  private draining: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay: number;
  private readonly rejections = new Map<string, number>();
  private disposed = false;

  constructor(
    private readonly queue: DurableQueue,
    private readonly options: SenderOptions,
  ) {
    this.delay = options.minDelayMs ?? 1000;
  }

  /** Adds an event durably, then tries to deliver everything queued. */
  enqueue(event: TrackEvent): void {
    this.queue.append(event);
    this.kick();
  }

  /** Starts a drain now (no-op while one runs; the running one picks up new entries). */
  kick(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  get pending(): number {
    return this.queue.size;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const event = this.queue.peek();
      if (!event || this.disposed) break;
      const d = await this.options.send(event);
      if (d.kind === "ok") {
        this.queue.ack(event.eventId);
        this.rejections.delete(event.eventId);
        this.delay = this.options.minDelayMs ?? 1000;
        this.options.onDelivered?.(event, d.result);
        continue;
      }
      if (d.kind === "rejected") {
        const n = (this.rejections.get(event.eventId) ?? 0) + 1;
        this.rejections.set(event.eventId, n);
        if (n >= (this.options.maxRejections ?? 5)) {
          this.options.log?.(
            `event ${event.eventId} (${event.type}) rejected ${n} times, set aside: ${d.error}`,
          );
          this.queue.deadLetter(event.eventId, d.error);
          this.rejections.delete(event.eventId);
          continue;
        }
      } else {
        this.options.onUnavailable?.(d.error, this.queue.size);
      }
      this.retryLater();
      return;
    }
    if (this.queue.size === 0) this.options.onDrained?.();
  }

  private retryLater(): void {
    if (this.disposed) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.options.maxDelayMs ?? 30000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.kick();
    }, wait);
  }
}
