// One logger for the server. Once the connection exists, lines go to the client as window/logMessage
// with their level, so the extension's log channel shows and filters them by level; before that (and
// after it closes) they go to stderr. Every message passes through redact(): a database URL never carries
// its password into a log.
export type Level = "debug" | "info" | "warn" | "error";
export type LogSink = (level: Level, message: string) => void;

const PASSWORD_IN_URL = /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi;

const toStderr: LogSink = (level, message) => process.stderr.write(`[lamin-server ${level}] ${message}\n`);
let sink: LogSink = toStderr;

/** Where log lines go from now on; undefined: back to stderr. */
export function logTo(next: LogSink | undefined): void {
  sink = next ?? toStderr;
}

export function redact(text: string): string {
  return text.replace(PASSWORD_IN_URL, "$1***@");
}

export function log(level: Level, message: string): void {
  const line = redact(message);
  try {
    sink(level, line);
  } catch {
    toStderr(level, line); // the connection is closing: the line is not lost
  }
}

export function errorMessage(e: unknown): string {
  return redact(e instanceof Error ? e.message : String(e));
}
