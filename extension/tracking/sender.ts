// Drains the durable queue into the server, strictly in order. When the server or its database is
// unreachable the head stays put and the drain retries with backoff (or at once when kicked, e.g. on
// "connection back"). An event the server keeps rejecting while connected is set aside after a few
// tries, so one bad event cannot hold up every run behind it. Plain Node: no vscode.
//
// A notebook's source goes to the server once: with the first event that names it (per server
// process), and again only if the server says it does not hold it (sourceUnknown: it restarted, or
// dropped it). Every other event carries the source's hash alone.
import type { TrackEvent, TrackResult } from "../../server/protocol";
import type { DurableQueue } from "./queue";

/** What happened to one delivery attempt. */
export type Delivery =
  | { kind: "ok"; result: TrackResult }
  // server not running (serverDown: it failed, crashed or restarts) or database unreachable: retry later
  | { kind: "unavailable"; error: string; serverDown?: boolean }
  | { kind: "rejected"; error: string } // the server answered with an error while connected
  | { kind: "sourceUnknown"; error: string }; // the server needs the notebook's source with this event

export interface SenderOptions {
  send: (event: TrackEvent) => Promise<Delivery>;
  onDelivered?: (event: TrackEvent, result: TrackResult) => void;
  onUnavailable?: (error: string, queued: number, serverDown: boolean) => void;
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
  /** Sources the current server process has received (by hash). */
  private readonly sentSources = new Set<string>();
  private disposed = false;

  constructor(
    private readonly queue: DurableQueue,
    private readonly options: SenderOptions,
  ) {
    this.delay = options.minDelayMs ?? 1000;
  }

  /** Adds an event durably, then tries to deliver everything queued. */
  async enqueue(event: TrackEvent): Promise<void> {
    await this.queue.append(event);
    void this.kick();
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

  /** A new server process holds no sources: send each again with its next event. */
  forgetSources(): void {
    this.sentSources.clear();
  }

  get pending(): number {
    return this.queue.size;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The event as sent: with its notebook's source when the server may not hold it yet. */
  private message(event: TrackEvent, withSource: boolean): TrackEvent {
    if (!withSource || !("notebook" in event) || event.notebook.sourceHash === undefined) return event;
    const source = this.queue.sourceOf(event.notebook.sourceHash);
    return source === undefined ? event : { ...event, notebook: { ...event.notebook, source } };
  }

  private async deliver(event: TrackEvent): Promise<Delivery> {
    const hash = "notebook" in event ? event.notebook.sourceHash : undefined;
    const first = hash !== undefined && !this.sentSources.has(hash);
    let d = await this.options.send(this.message(event, first));
    if (d.kind === "sourceUnknown") {
      if (hash !== undefined) this.sentSources.delete(hash);
      const source = hash !== undefined ? this.queue.sourceOf(hash) : undefined;
      if (first || source === undefined) {
        return {
          kind: "rejected",
          error: source === undefined ? `${d.error} (its source is not in the queue)` : d.error,
        };
      }
      d = await this.options.send(this.message(event, true));
      if (d.kind === "sourceUnknown") return { kind: "rejected", error: d.error };
    }
    if (d.kind === "ok" && hash !== undefined) this.sentSources.add(hash);
    return d;
  }

  private async drain(): Promise<void> {
    await this.queue.ready;
    for (;;) {
      const event = this.queue.peek();
      if (!event || this.disposed) break;
      const d = await this.deliver(event);
      if (d.kind === "ok") {
        this.queue.ack(event.eventId);
        this.rejections.delete(event.eventId);
        this.delay = this.options.minDelayMs ?? 1000;
        this.options.onDelivered?.(event, d.result);
        continue;
      }
      if (d.kind === "rejected" || d.kind === "sourceUnknown") {
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
        this.options.onUnavailable?.(d.error, this.queue.size, d.serverDown === true);
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
