// One logger for the server. It writes to stderr, which the client shows in its output channel;
// messages pass through redact() so a database URL never carries its password into a log.
export type Level = "info" | "warn" | "error";

const PASSWORD_IN_URL = /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi;

export function redact(text: string): string {
  return text.replace(PASSWORD_IN_URL, "$1***@");
}

export function log(level: Level, message: string): void {
  process.stderr.write(`[lamin-server ${level}] ${redact(message)}\n`);
}

export function errorMessage(e: unknown): string {
  return redact(e instanceof Error ? e.message : String(e));
}
