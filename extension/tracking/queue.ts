// The durable queue of tracking events: every event is appended here (one JSON line, fsync'd) before
// it is sent, and removed only after the server acknowledged it. A crash between the server's answer
// and the removal replays the event, which the server recognises by its eventId. Plain Node: no vscode.
//
// Each extension host (one per window) owns one file, `<pid>.<session>.jsonl`, so windows never write the
// same file. A file whose owning process is gone is adopted by the next window that opens the queue.
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { TrackEvent } from "../../server/protocol";

export interface QueueOptions {
  dir: string;
  sessionId: string;
  pid?: number;
  /** Whether a process is alive (injectable for tests). */
  isAlive?: (pid: number) => boolean;
  /** Ids for the events the queue adds itself (closing notebooks of a dead session). */
  newId?: () => string;
}

export class DurableQueue {
  private readonly file: string;
  private entries: TrackEvent[] = [];

  private constructor(
    private readonly dir: string,
    file: string,
  ) {
    this.file = join(dir, file);
  }

  /** Opens this session's queue, adopting the entries of queues whose windows are gone. */
  static open(options: QueueOptions): DurableQueue {
    const pid = options.pid ?? process.pid;
    mkdirSync(options.dir, { recursive: true });
    const queue = new DurableQueue(options.dir, `${pid}.${safe(options.sessionId)}.jsonl`);
    queue.entries = readEntries(queue.file, options.sessionId);
    const adopted = queue.adoptOrphans(pid, options.isAlive ?? isProcessAlive, options.newId ?? randomId);
    if (adopted.length) {
      queue.entries = [...adopted, ...queue.entries];
      queue.rewrite();
    }
    return queue;
  }

  get size(): number {
    return this.entries.length;
  }

  get path(): string {
    return this.file;
  }

  peek(): TrackEvent | undefined {
    return this.entries[0];
  }

  all(): readonly TrackEvent[] {
    return this.entries;
  }

  /** Appends durably: when append() returns, the event survives a crash. */
  append(event: TrackEvent): void {
    const fd = openSync(this.file, "a");
    try {
      writeSync(fd, `${JSON.stringify(event)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.entries.push(event);
  }

  /** Removes an acknowledged event (normally the head; any position is accepted). */
  ack(eventId: string): void {
    const i = this.entries.findIndex((e) => e.eventId === eventId);
    if (i < 0) return;
    this.entries.splice(i, 1);
    this.rewrite();
  }

  /** Moves an event the server keeps rejecting aside, so it does not block the events behind it. */
  deadLetter(eventId: string, reason: string): void {
    const event = this.entries.find((e) => e.eventId === eventId);
    if (!event) return;
    appendFileSync(join(this.dir, "rejected.jsonl"), `${JSON.stringify({ reason, event })}\n`);
    this.ack(eventId);
  }

  /** Replaces the file atomically (write, fsync, rename): a crash leaves the old or the new content. */
  private rewrite(): void {
    if (this.entries.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /**
   * Claims the files of dead windows (rename first, so two windows starting together cannot both take
   * one) and closes their notebooks: a run that window left open ends as aborted, as it would have.
   */
  private adoptOrphans(pid: number, isAlive: (pid: number) => boolean, newId: () => string): TrackEvent[] {
    const own = this.file.slice(this.dir.length + 1);
    const adopted: TrackEvent[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      const m = /^(\d+)\.(.+)\.jsonl$/.exec(name);
      if (!m || name === own) continue;
      const owner = Number(m[1]);
      if (owner !== pid && isAlive(owner)) continue;
      const claimed = join(this.dir, `${name}.claimed-${pid}`);
      try {
        renameSync(join(this.dir, name), claimed);
      } catch {
        continue; // another window took it
      }
      const events = readEntries(claimed, m[2]);
      adopted.push(...events, ...closeEvents(events, newId));
      rmSync(claimed, { force: true });
    }
    // several dead windows: keep the order in which the events happened
    return adopted.sort((a, b) => a.at - b.at);
  }
}

/** A notebookClosed per notebook (and session) of a dead window, attributed to that window's session. */
function closeEvents(events: TrackEvent[], newId: () => string): TrackEvent[] {
  const open = new Map<string, { notebookUri: string; sessionId?: string }>();
  for (const e of events) {
    const notebookUri = "notebook" in e ? e.notebook.uri : e.notebookUri;
    open.set(`${e.sessionId ?? ""}\u0000${notebookUri}`, { notebookUri, sessionId: e.sessionId });
  }
  const at = events.reduce((max, e) => Math.max(max, e.at), 0);
  return [...open.values()].map(({ notebookUri, sessionId }) => ({
    type: "notebookClosed",
    notebookUri,
    eventId: newId(),
    at,
    ...(sessionId ? { sessionId } : {}),
  }));
}

/**
 * Reads JSON lines; a torn last line (a crash during append) is skipped. Events queued before they
 * carried a sessionId get the session the file belongs to.
 */
function readEntries(file: string, sessionId: string): TrackEvent[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const out: TrackEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as TrackEvent;
      out.push(event.sessionId ? event : { ...event, sessionId });
    } catch {
      // torn write
    }
  }
  return out;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function randomId(): string {
  return randomUUID();
}
