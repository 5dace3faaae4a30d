// A LaminServer in this process, over a pair of in-memory streams, with a real JSON-RPC client on the
// other end: what main.ts does with stdio, minus the process.
import { PassThrough } from "node:stream";
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver/node";
import { LaminServer } from "../../server/lamin-server";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspSession } from "./lsp-client";

export interface InProcessServer {
  server: LaminServer;
  client: LspSession;
  /** shutdown, then dispose of the server and both ends of the streams. */
  close(): Promise<void>;
}

export async function startInProcess(options: LaminInitializationOptions): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  // message readers/writers, not the raw streams: given a stream, vscode-languageserver exits the process
  // when it ends
  const connection = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
  );
  const server = new LaminServer(connection);
  server.listen();
  const client = new LspSession(toClient, toServer);
  // no processId: vscode-languageserver would watch that process with a timer of its own
  await client.initialize(options, { processId: null });
  let closing: Promise<void> | undefined;
  return {
    server,
    client,
    close: () =>
      (closing ??= (async () => {
        // no `exit` notification: vscode-languageserver answers it with process.exit()
        await client.connection.sendRequest("shutdown");
        await server.dispose();
        client.connection.dispose();
        toServer.end();
        toClient.end();
      })()),
  };
}
