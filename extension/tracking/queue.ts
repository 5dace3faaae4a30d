// The durable queue of tracking events: every event is appended to a log (fsync'd) before it is
// sent, and acknowledged after the server answered. A crash between the server's answer and the
// acknowledgement replays the event, which the server recognises by its eventId. Plain Node: no vscode.
//
// The log only grows (queue-log.ts): an acknowledgement moves an offset kept beside it, written lazily,
// and the files are removed once everything is acknowledged and the log passed 1 MiB, or the window
// closes. All I/O is asynchronous and runs in one
// chain, so appends that arrive while a write is on disk go out together in the next write and fsync.
// A notebook's source is written once per log (a source record) and events name it by hash.
//
// Each extension host (one per window) owns one log, `<pid>.<session>.jsonl`, so windows never write
// the same file. A log whose owning process is gone is adopted by the next window that opens the queue.
// Lines that cannot be read are set aside (malformed.jsonl) with one warning; they never stop the queue.
import { randomUUID } from "node:crypto";
import { appendFile, mkdir, open, readdir, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { TrackEvent } from "../../server/protocol";
import {
  ACK_SUFFIX,
  MALFORMED_FILE,
  notebookUriOf,
  parseLog,
  REJECTED_FILE,
  withoutSource,
  type LogEntry,
} from "./queue-log";

export interface QueueOptions {
  dir: string;
  sessionId: string;
  pid?: number;
  /** Whether a process is alive (injectable for tests). */
  isAlive?: (pid: number) => boolean;
  /** Ids for the events the queue adds itself (closing notebooks of a dead session). */
  newId?: () => string;
  /** Told when lines were set aside (once per open) or the disk fails (once until it works again). */
  onWarning?: (message: string) => void;
}

interface Buffered {
  line: string;
  /** The event this line holds (source records have none). */
  event?: TrackEvent;
  done?: () => void;
}

interface Entry extends LogEntry {
  acked: boolean;
}

const LOG_NAME = /^(\d+)\.(.+)\.jsonl(?:\.claimed-(\d+))?$/;
/**
 * A drained log is kept (its sources spare the next events a copy) until it holds this much; then, or
 * when the window closes, it is removed.
 */
const COMPACT_AT = 1024 * 1024;

export class DurableQueue {
  /** Resolves once the files on disk were read (never rejects: a failure is a warning). */
  readonly ready: Promise<void>;
  private readonly file: string;
  private entries: Entry[] = [];
  private unacked = 0;
  private buffered: Buffered[] = [];
  private bufferedEvents = 0;
  /** Sources by hash: of the events in the log, and those being appended. */
  private readonly sources = new Map<string, string>();
  /** Hashes whose source record is in the current log file. */
  private readonly sourcesInLog = new Set<string>();
  private fileSize = 0;
  private lastAcked: { end: number; eventId: string } | undefined;
  private ackWritten = 0;
  private handle: FileHandle | undefined;
  private io: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private ackQueued = false;
  private diskError: string | undefined;
  private closing = false;

  private constructor(
    private readonly dir: string,
    private readonly options: QueueOptions,
  ) {
    this.file = join(dir, `${options.pid ?? process.pid}.${safe(options.sessionId)}.jsonl`);
    this.ready = this.run(() => this.load());
  }

  /** Opens this session's queue; its files are read (and dead windows' adopted) in the background. */
  static open(options: QueueOptions): DurableQueue {
    return new DurableQueue(options.dir, options);
  }

  /** Events not yet acknowledged, those still being written included. */
  get size(): number {
    return this.unacked + this.bufferedEvents;
  }

  get path(): string {
    return this.file;
  }

  /** The oldest event written and not acknowledged. */
  peek(): TrackEvent | undefined {
    return this.entries.find((e) => !e.acked)?.event;
  }

  all(): TrackEvent[] {
    return this.entries.filter((e) => !e.acked).map((e) => e.event);
  }

  /** The notebook source an event names by `notebook.sourceHash`. */
  sourceOf(hash: string): string | undefined {
    return this.sources.get(hash);
  }

  /** Appends durably: when the promise resolves, the event survives a crash (or the disk failed, said once). */
  append(event: TrackEvent): Promise<void> {
    const { event: stored, source } = withoutSource(event);
    if (source && !this.sourcesInLog.has(source.hash)) {
      this.sourcesInLog.add(source.hash);
      this.buffered.push({
        line: `${JSON.stringify({ kind: "source", hash: source.hash, source: source.text })}\n`,
      });
    }
    if (source) this.sources.set(source.hash, source.text);
    this.bufferedEvents++;
    return new Promise((resolve) => {
      this.buffered.push({ line: `${JSON.stringify(stored)}\n`, event: stored, done: resolve });
      this.scheduleFlush();
    });
  }

  /** Marks an event acknowledged; the offset on disk follows lazily, the files go once all are. */
  ack(eventId: string): void {
    const entry = this.entries.find((e) => e.event.eventId === eventId && !e.acked);
    if (!entry) return;
    entry.acked = true;
    this.unacked--;
    while (this.entries[0]?.acked) {
      const head = this.entries.shift()!;
      this.lastAcked = { end: head.end, eventId: head.event.eventId };
    }
    this.scheduleAck();
  }

  /** Moves an event the server keeps rejecting aside, so it does not block the events behind it. */
  deadLetter(eventId: string, reason: string): void {
    const entry = this.entries.find((e) => e.event.eventId === eventId && !e.acked);
    if (!entry) return;
    const event = entry.event;
    const hash = "notebook" in event ? event.notebook.sourceHash : undefined;
    const source = hash ? this.sources.get(hash) : undefined;
    const kept =
      source !== undefined && "notebook" in event
        ? { ...event, notebook: { ...event.notebook, source } }
        : event;
    void this.run(() =>
      appendFile(join(this.dir, REJECTED_FILE), `${JSON.stringify({ reason, event: kept })}\n`, {
        mode: 0o600,
      }),
    ).catch((e) => this.warnDisk(e));
    this.ack(eventId);
  }

  /** Resolves when every write started so far is on disk (appends, offset, removal of a drained log). */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.io;
      await current;
      if (current === this.io && !this.flushQueued && !this.ackQueued) return;
    }
  }

  /** Closes the log file; a drained log is removed, anything else stays for the next window. */
  async close(): Promise<void> {
    this.closing = true;
    this.scheduleAck();
    await this.idle();
    await this.run(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  // ---- the I/O chain ----------------------------------------------------------------------------

  private run(op: () => Promise<void>): Promise<void> {
    const next = this.io.then(op);
    this.io = next.catch(() => {});
    return next;
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    void this.run(() => this.flush());
  }

  private scheduleAck(): void {
    if (this.ackQueued) return;
    this.ackQueued = true;
    void this.run(() => this.writeAck());
  }

  /** Writes everything buffered in one write and one fsync. */
  private async flush(): Promise<void> {
    this.flushQueued = false;
    const batch = this.buffered.splice(0);
    if (batch.length === 0) return;
    const text = batch.map((b) => b.line).join("");
    try {
      this.handle ??= await open(this.file, "a", 0o600);
      if (this.fileSize < 0) this.fileSize = (await this.handle.stat()).size; // after a failed write
      await this.handle.write(text);
      await this.handle.datasync();
      this.diskError = undefined;
    } catch (e) {
      this.warnDisk(e);
      this.fileSize = -1; // unknown: a torn line may be there, which the next reader sets aside
    }
    let offset = Math.max(this.fileSize, 0);
    for (const b of batch) {
      offset += Buffer.byteLength(b.line);
      if (!b.event) continue;
      this.entries.push({ event: b.event, end: offset, acked: false });
      this.unacked++;
      this.bufferedEvents--;
    }
    if (this.fileSize >= 0) this.fileSize = offset;
    for (const b of batch) b.done?.();
  }

  /** Records the acknowledged offset, or removes a drained log that grew large (or at close). */
  private async writeAck(): Promise<void> {
    this.ackQueued = false;
    const drained = this.entries.length === 0 && this.buffered.length === 0 && !this.flushQueued;
    if (drained && (this.fileSize > COMPACT_AT || this.closing)) {
      // drained: a fresh log next time. Cleared before the awaits, so an append meanwhile writes its
      // source record again (into the new file).
      this.sourcesInLog.clear();
      this.sources.clear();
      this.lastAcked = undefined;
      this.ackWritten = 0;
      this.fileSize = 0;
      try {
        await this.handle?.close();
        this.handle = undefined;
        // the offset first: a crash between the two leaves a log replayed whole, never skipped
        await rm(`${this.file}${ACK_SUFFIX}`, { force: true });
        await rm(this.file, { force: true });
      } catch (e) {
        this.warnDisk(e);
      }
      return;
    }
    const acked = this.lastAcked;
    if (!acked || acked.end === this.ackWritten || this.fileSize < 0) return;
    try {
      await writeFileAtomic(
        `${this.file}${ACK_SUFFIX}`,
        JSON.stringify({ offset: acked.end, eventId: acked.eventId }),
      );
      this.ackWritten = acked.end;
    } catch (e) {
      this.warnDisk(e);
    }
  }

  // ---- opening ----------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const malformed: Array<{ file: string; line: string; reason: string }> = [];
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const own = await readLog(this.file);
      const parsed = parseLog(own.bytes, own.ack, this.options.sessionId);
      malformed.push(...parsed.malformed.map((m) => ({ file: this.file, ...m })));
      for (const [h, s] of parsed.sources) {
        this.sources.set(h, s);
        this.sourcesInLog.add(h);
      }
      if (parsed.validLength < own.bytes.length) {
        // a torn last line: cut it off (it is set aside below), so appends start on a line of their own
        const fh = await open(this.file, "r+");
        await fh.truncate(parsed.validLength);
        await fh.close();
      }
      this.fileSize = parsed.validLength;
      this.ackWritten = parsed.acked;
      const pending: TrackEvent[] = parsed.pending.map((p) => p.event);
      this.entries = parsed.pending.map((p) => ({ ...p, acked: false }));
      this.unacked = this.entries.length;

      const adopted = await this.adoptOrphans(malformed);
      if (adopted.events.length) {
        for (const [h, s] of adopted.sources) this.sources.set(h, s);
        await this.rewrite([...adopted.events, ...pending]);
        for (const f of adopted.files) await rm(f, { force: true });
      }
    } catch (e) {
      this.warnDisk(e);
    }
    if (malformed.length) await this.setAside(malformed);
  }

  /** Replaces the log with these events (and their sources), atomically; the offset starts over. */
  private async rewrite(events: TrackEvent[]): Promise<void> {
    const lines: string[] = [];
    const written = new Set<string>();
    const entries: Entry[] = [];
    let offset = 0;
    for (const event of events) {
      const hash = "notebook" in event ? event.notebook.sourceHash : undefined;
      const source = hash !== undefined ? this.sources.get(hash) : undefined;
      if (hash !== undefined && source !== undefined && !written.has(hash)) {
        written.add(hash);
        const line = `${JSON.stringify({ kind: "source", hash, source })}\n`;
        lines.push(line);
        offset += Buffer.byteLength(line);
      }
      const line = `${JSON.stringify(event)}\n`;
      lines.push(line);
      offset += Buffer.byteLength(line);
      entries.push({ event, end: offset, acked: false });
    }
    await rm(`${this.file}${ACK_SUFFIX}`, { force: true });
    await writeFileAtomic(this.file, lines.join(""), true);
    this.entries = entries;
    this.unacked = entries.length;
    this.fileSize = offset;
    this.ackWritten = 0;
    this.lastAcked = undefined;
    this.sourcesInLog.clear();
    written.forEach((h) => this.sourcesInLog.add(h));
  }

  /**
   * Claims the logs of dead windows (rename first, so two windows starting together cannot both take
   * one) and closes their notebooks: a run that window left open ends as aborted, as it would have.
   */
  private async adoptOrphans(
    malformed: Array<{ file: string; line: string; reason: string }>,
  ): Promise<{ events: TrackEvent[]; sources: Map<string, string>; files: string[] }> {
    const pid = this.options.pid ?? process.pid;
    const isAlive = this.options.isAlive ?? isProcessAlive;
    const newId = this.options.newId ?? randomId;
    const own = this.file.slice(this.dir.length + 1);
    const events: TrackEvent[] = [];
    const sources = new Map<string, string>();
    const files: string[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const m = LOG_NAME.exec(name);
      if (!m || name === own) continue;
      const holder = Number(m[3] ?? m[1]); // a claimed log belongs to its claimer
      if (holder !== pid && isAlive(holder)) continue;
      const original = join(this.dir, name.replace(/\.claimed-\d+$/, ""));
      const claimed = `${original}.claimed-${pid}`;
      try {
        await rename(join(this.dir, name), claimed);
      } catch {
        continue; // another window took it
      }
      const log = await readLog(claimed, `${original}${ACK_SUFFIX}`);
      const parsed = parseLog(log.bytes, log.ack, m[2]);
      malformed.push(...parsed.malformed.map((x) => ({ file: name, ...x })));
      for (const [h, s] of parsed.sources) sources.set(h, s);
      const theirs = parsed.pending.map((p) => p.event);
      events.push(...theirs, ...closeEvents(theirs, newId));
      files.push(claimed, `${original}${ACK_SUFFIX}`);
    }
    // several dead windows: keep the order in which the events happened
    return { events: events.sort((a, b) => a.at - b.at), sources, files };
  }

  private async setAside(lines: Array<{ file: string; line: string; reason: string }>): Promise<void> {
    const path = join(this.dir, MALFORMED_FILE);
    try {
      const text = lines.map((l) => `${JSON.stringify({ at: Date.now(), ...l })}\n`).join("");
      await appendFile(path, text, { mode: 0o600 });
    } catch (e) {
      this.warnDisk(e);
    }
    this.options.onWarning?.(
      `${lines.length} unreadable line(s) in the tracking queue (${lines[0].reason}) were set aside in ${path}; ` +
        "every other event is sent as usual.",
    );
  }

  private warnDisk(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (this.diskError === message) return;
    this.diskError = message;
    this.options.onWarning?.(
      `The tracking queue in ${this.dir} cannot be written (${message}): events are sent, but not kept on disk until it can.`,
    );
  }
}

async function readLog(
  file: string,
  ackFile = `${file}${ACK_SUFFIX}`,
): Promise<{ bytes: Buffer; ack?: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { bytes: Buffer.alloc(0) };
    throw e;
  }
  const ack = await readFile(ackFile, "utf8").catch(() => undefined);
  return { bytes, ack };
}

/** Write, (fsync,) rename: a crash leaves the old content or the new. */
async function writeFileAtomic(path: string, text: string, sync = false): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.write(text);
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** A notebookClosed per notebook (and session) of a dead window, attributed to that window's session. */
function closeEvents(events: TrackEvent[], newId: () => string): TrackEvent[] {
  const open = new Map<string, { notebookUri: string; sessionId?: string }>();
  for (const e of events) {
    const notebookUri = notebookUriOf(e);
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

/** The events waiting in a queue folder's logs (for tests and diagnostics): acknowledged ones skipped. */
export async function queuedEventsIn(dir: string): Promise<TrackEvent[]> {
  const out: TrackEvent[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const m = LOG_NAME.exec(name);
    if (!m) continue;
    const original = join(dir, name.replace(/\.claimed-\d+$/, ""));
    const log = await readLog(join(dir, name), `${original}${ACK_SUFFIX}`).catch(() => undefined);
    if (log) out.push(...parseLog(log.bytes, log.ack, m[2]).pending.map((p) => p.event));
  }
  return out;
}
