// The durable queue's files (queue.ts owns the writing). Plain Node: no vscode.
//
// `<pid>.<session>.jsonl` is an append-only log of JSON lines: tracking events, and before the first
// event of each notebook source a source record `{"kind":"source","hash":...,"source":...}`; events
// carry only the source's hash (`notebook.sourceHash`). `<pid>.<session>.jsonl.ack` says how far the
// server has acknowledged: `{"offset": <bytes>, "eventId": <the event ending there>}`. It is written
// lazily: a lost update only replays events the server recognises by their eventId.
//
// Reading never throws on content: a line that is not a valid event or source record (a torn write,
// `notebook: null`, another version's junk) is returned as malformed, for the caller to set aside.
import { createHash } from "node:crypto";
import type { TrackEvent } from "../../server/protocol";

export const ACK_SUFFIX = ".ack";
export const REJECTED_FILE = "rejected.jsonl";
export const MALFORMED_FILE = "malformed.jsonl";

/** SHA-256 of the source's UTF-8 bytes, lowercase hex: how events and the server name a source. */
export function sourceHash(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

export interface SourceRecord {
  kind: "source";
  hash: string;
  source: string;
}

export interface LogEntry {
  event: TrackEvent;
  /** Byte offset just past this event's line. */
  end: number;
}

export interface ParsedLog {
  /** Events after the acknowledged offset, in file order, their sources replaced by hashes. */
  pending: LogEntry[];
  /** Every source the file records (acknowledged part included), by hash. */
  sources: Map<string, string>;
  /** Lines that are neither an event nor a source record, with why. */
  malformed: Array<{ line: string; reason: string }>;
  /** Bytes up to the last complete line: what a writer may append after. */
  validLength: number;
  /** The acknowledged offset that was honoured (0 when the .ack file was missing or did not fit). */
  acked: number;
}

// ---- validation ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);

function cellProblem(cell: unknown, finished: boolean): string | undefined {
  if (!isObj(cell)) return "cell is not an object";
  if (!Number.isInteger(cell.index) || (cell.index as number) < 0) return "cell.index is not an index";
  for (const k of ["executionOrder", "startTime", "endTime"])
    if (!optional(cell[k], isNum)) return `cell.${k} is not a number`;
  if (finished && typeof cell.success !== "boolean") return "cell.success is not a boolean";
  return undefined;
}

function notebookProblem(nb: unknown): string | undefined {
  if (!isObj(nb)) return "notebook is not an object";
  if (!isStr(nb.uri) || !isStr(nb.key)) return "notebook.uri or notebook.key is not a string";
  if (!isStr(nb.sourceHash) && !isStr(nb.source)) return "notebook has neither source nor sourceHash";
  if (!optional(nb.source, isStr) || !optional(nb.sourceHash, isStr))
    return "notebook source is not a string";
  if (!optional(nb.title, isStr)) return "notebook.title is not a string";
  if (!optional(nb.params, isObj) || !optional(nb.kernel, isObj))
    return "notebook params or kernel is not an object";
  return undefined;
}

/** Why `v` is not a tracking event, or undefined when it is one. */
export function eventProblem(v: unknown): string | undefined {
  if (!isObj(v)) return "not an object";
  if (!isStr(v.eventId) || !v.eventId) return "no eventId";
  if (!isNum(v.at)) return "no time (at)";
  if (!optional(v.sessionId, isStr)) return "sessionId is not a string";
  switch (v.type) {
    case "cellStarted":
    case "cellFinished":
      return notebookProblem(v.notebook) ?? cellProblem(v.cell, v.type === "cellFinished");
    case "cellCancelled":
      return isStr(v.notebookUri) ? cellProblem(v.cell, false) : "notebookUri is not a string";
    case "executionIdle":
    case "kernelRestarted":
    case "notebookClosed":
      return isStr(v.notebookUri) ? undefined : "notebookUri is not a string";
    default:
      return `unknown event type ${JSON.stringify(v.type)}`;
  }
}

/** The notebook's uri of any event. */
export function notebookUriOf(e: TrackEvent): string {
  return "notebook" in e ? e.notebook.uri : e.notebookUri;
}

/**
 * An event as the log keeps it: the source out of the notebook, named by its hash (an event written
 * by an earlier version, with the source inline, is converted on reading). Returns the source too.
 */
export function withoutSource(event: TrackEvent): {
  event: TrackEvent;
  source?: { hash: string; text: string };
} {
  if (!("notebook" in event) || event.notebook.source === undefined) return { event };
  const { source, ...notebook } = event.notebook;
  const hash = notebook.sourceHash ?? sourceHash(source);
  return { event: { ...event, notebook: { ...notebook, sourceHash: hash } }, source: { hash, text: source } };
}

// ---- reading ------------------------------------------------------------------------------------

/** The acknowledged offset of a log, if its .ack file names the event that ends there. */
export function parseAck(text: string | undefined): { offset: number; eventId: string } | undefined {
  if (!text) return undefined;
  try {
    const a = JSON.parse(text) as unknown;
    if (isObj(a) && Number.isInteger(a.offset) && (a.offset as number) > 0 && isStr(a.eventId))
      return { offset: a.offset as number, eventId: a.eventId };
  } catch {
    // a torn write of the .ack file: start from the beginning (the server dedups)
  }
  return undefined;
}

/**
 * Parses a log file's bytes. `sessionId`: for events queued before they carried one (the session the
 * file is named for).
 */
export function parseLog(bytes: Buffer, ackText: string | undefined, sessionId: string): ParsedLog {
  const ack = parseAck(ackText);
  const lines: Array<{ text: string; end: number }> = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    if (nl < 0) break;
    lines.push({ text: bytes.subarray(start, nl).toString("utf8"), end: nl + 1 });
    start = nl + 1;
  }
  const validLength = start;
  const malformed: ParsedLog["malformed"] = [];
  if (start < bytes.length)
    malformed.push({ line: bytes.subarray(start).toString("utf8"), reason: "torn write (no line end)" });

  // honour the .ack only if it ends exactly on the line of the event it names
  let acked = 0;
  if (ack) {
    const at = lines.find((l) => l.end === ack.offset);
    if (at && at.text.includes(JSON.stringify(ack.eventId))) acked = ack.offset;
  }
  const sources = new Map<string, string>();
  const pending: LogEntry[] = [];
  for (const { text, end } of lines) {
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      malformed.push({ line: text, reason: "not JSON" });
      continue;
    }
    if (isObj(value) && value.kind === "source") {
      if (isStr(value.hash) && isStr(value.source) && sourceHash(value.source) === value.hash)
        sources.set(value.hash, value.source);
      else malformed.push({ line: text, reason: "source record whose hash does not match" });
      continue;
    }
    const problem = eventProblem(value);
    if (problem) {
      if (end > acked) malformed.push({ line: text, reason: problem });
      continue;
    }
    const converted = withoutSource(value as TrackEvent);
    if (converted.source) sources.set(converted.source.hash, converted.source.text);
    if (end <= acked) continue;
    const event = converted.event.sessionId ? converted.event : { ...converted.event, sessionId };
    pending.push({ event, end });
  }
  return { pending, sources, malformed, validLength, acked };
}
