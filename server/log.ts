// One logger for the server. Once the connection exists, lines go to the client as window/logMessage
// with their level, so the extension's log channel shows and filters them by level; before that (and
// after it closes) they go to stderr. Each LaminServer runs its work in its own sink's scope
// (withLogSink), so two servers in one process log to their own clients. Every message passes through
// redact(): a database URL never carries its password into a log.
import { AsyncLocalStorage } from "node:async_hooks";

export type Level = "debug" | "info" | "warn" | "error";
export type LogSink = (level: Level, message: string) => void;

const PASSWORD_IN_URL = /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi;

const toStderr: LogSink = (level, message) => process.stderr.write(`[lamin-server ${level}] ${message}\n`);
let sink: LogSink = toStderr;
const scoped = new AsyncLocalStorage<ScopedSink>();

/** Where log lines outside any server's scope go from now on; undefined: back to stderr. */
export function logTo(next: LogSink | undefined): void {
  sink = next ?? toStderr;
}

/** A holder of a sink whose lines go to stderr once it is cleared (its connection closed). */
export interface ScopedSink {
  sink: LogSink | undefined;
}

/** Runs fn (and what it starts: timers, promises) with its log lines going to `target.sink`. */
export function withLogSink<T>(target: ScopedSink, fn: () => T): T {
  return scoped.run(target, fn);
}

export function redact(text: string): string {
  return text.replace(PASSWORD_IN_URL, "$1***@");
}

export function log(level: Level, message: string): void {
  const line = redact(message);
  const store = scoped.getStore();
  try {
    (store ? (store.sink ?? toStderr) : sink)(level, line);
  } catch {
    toStderr(level, line); // the connection is closing: the line is not lost
  }
}

export function errorMessage(e: unknown): string {
  return redact(e instanceof Error ? e.message : String(e));
}
