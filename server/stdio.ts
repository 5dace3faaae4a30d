// The server's stdio transport. Each LSP message leaves in ONE write to stdout: vscode-jsonrpc's
// stream writer writes the header and the body separately, and on a pipe every write is a
// synchronous system call, a measurable share of a completion's round trip on small machines
// (bench/server-bench.ts). stdout carries only the protocol, so console output goes to the log.
import { AbstractMessageWriter, type Message, type MessageWriter } from "vscode-languageserver/node";
import { log } from "./log";

export class StdoutMessageWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    super();
    out.on("error", (e: Error) => this.fireError(e));
    out.on("close", () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const body = Buffer.from(JSON.stringify(msg), "utf8");
    const frame = Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
    return new Promise((resolve, reject) => {
      this.out.write(frame, (error) => {
        if (!error) return resolve();
        this.fireError(error, msg);
        reject(error);
      });
    });
  }

  end(): void {
    // stdout stays open until the process exits
  }
}

/** Library output through console.* would corrupt the protocol on stdout: it goes to the log. */
export function keepConsoleOffStdout(): void {
  const toLog =
    (level: "info" | "warn") =>
    (...args: unknown[]): void =>
      log(level, args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  console.log = toLog("info");
  console.info = toLog("info");
  console.debug = toLog("info");
  console.warn = toLog("warn");
}
