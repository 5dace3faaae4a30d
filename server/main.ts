// The language server: `node dist/server.js --stdio`. The one process that opens the database. This file
// owns the process (stdio, signals, exit); the server itself is LaminServer (lamin-server.ts).
import { createConnection, ProposedFeatures, StreamMessageReader } from "vscode-languageserver/node";
import { LaminServer } from "./lamin-server";
import { errorMessage, log, logTo } from "./log";
import { keepConsoleOffStdout, StdoutMessageWriter } from "./stdio";

keepConsoleOffStdout();
// Whatever escapes a handler (a promise nobody awaited, a throwing callback) is logged; the server
// keeps serving completion and tracking instead of exiting.
process.on("unhandledRejection", (e) => log("error", `Unhandled rejection: ${errorMessage(e)}`));
process.on("uncaughtException", (e) => log("error", `Uncaught exception: ${errorMessage(e)}`));
const connection = createConnection(
  ProposedFeatures.all,
  new StreamMessageReader(process.stdin),
  new StdoutMessageWriter(),
);
// lines logged outside the server's own scope (the process handlers above) go to its client too
logTo((level, message) => connection.console[level](message));

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  logTo(undefined);
  await server.dispose();
  process.exit(code);
}
const server = new LaminServer(connection, { onExit: (code) => void stop(code) });
// The client went away (its end of stdin closed): as vscode-languageserver does for --stdio.
process.stdin.on("end", () => void stop(server.exitCode));
process.stdin.on("close", () => void stop(server.exitCode));
process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
server.listen();
