// The language client writes every server line to its output channel with appendLine ("[Warn  - 10:02:03]
// message"), which a LogOutputChannel records at info level. This channel hands each line to the
// LaminDB log at the level the server gave it, so the channel's level filter works on server lines too.
import type * as vscode from "vscode";

/** The client's prefix for window/logMessage lines (vscode-languageclient's logOutputMessage). */
const CLIENT_LINE = /^\[(Error|Warn|Info|Debug|Trace)\s*- [^\]]*\] ?/;
/** What the server writes to stderr before its connection exists (server/log.ts). */
const STDERR_LINE = /^\[lamin-server (error|warn|info|debug)\] ?/;

type Level = "error" | "warn" | "info" | "debug" | "trace";

export function levelled(line: string): { level: Level; text: string } {
  const client = CLIENT_LINE.exec(line);
  if (client) return { level: client[1]!.toLowerCase() as Level, text: line.slice(client[0].length) };
  const stderr = STDERR_LINE.exec(line);
  if (stderr) return { level: stderr[1] as Level, text: line.slice(stderr[0].length) };
  return { level: "info", text: line };
}

export function levelledChannel(log: vscode.LogOutputChannel): vscode.OutputChannel {
  let partial = ""; // stderr arrives in chunks: a line is logged once it is whole
  const write = (line: string) => {
    if (line.trim() === "") return;
    const { level, text } = levelled(line);
    log[level](text);
  };
  return {
    get name() {
      return log.name;
    },
    append: (value: string) => {
      const lines = (partial + value).split(/\r?\n/);
      partial = lines.pop() ?? "";
      lines.forEach(write);
    },
    appendLine: (value: string) => {
      write(partial + value);
      partial = "";
    },
    replace: (value: string) => log.replace(value),
    clear: () => log.clear(),
    show: (...args: unknown[]) => (log.show as (...a: unknown[]) => void)(...args),
    hide: () => log.hide(),
    dispose: () => undefined, // owned by the extension, not by the client
  };
}
