// Servers for the tests: one per database kind, on a fresh PostgreSQL database or a fresh
// embedded folder, each driven over stdio by a real LSP client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase } from "../helpers/databases";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspClient } from "./lsp-client";

export type Kind = "postgres" | "pglite";

export interface ServerFixture {
  kind: Kind;
  client: LspClient;
  options: LaminInitializationOptions;
  url?: string;
  dir?: string;
  close(): Promise<void>;
}

export async function startServer(
  kind: Kind,
  overrides: Partial<LaminInitializationOptions> = {},
): Promise<ServerFixture> {
  let url: string | undefined;
  let dir: string | undefined;
  let drop = async () => {};
  let database: LaminInitializationOptions["database"];
  if (kind === "postgres") {
    const db = await createPostgresDatabase();
    url = db.url;
    drop = db.drop;
    database = { kind: "postgres", name: "test", url };
  } else {
    dir = mkdtempSync(join(tmpdir(), "lamin-server-test-"));
    const d = dir;
    drop = async () => rmSync(d, { recursive: true, force: true });
    database = { kind: "embedded", dir };
  }
  const options: LaminInitializationOptions = {
    database,
    user: { handle: "tester" },
    trusted: true,
    sessionId: `s-${kind}-${process.pid}`,
    ...overrides,
  };
  const client = await LspClient.start(options);
  await client.ready();
  return {
    kind,
    client,
    options,
    url,
    dir,
    close: async () => {
      await client.stop();
      await drop();
    },
  };
}

export async function evaluateOk(
  client: LspClient,
  code: string,
  language: "javascript" | "typescript" = "javascript",
) {
  const r = await client.request("lamin/evaluate", { code, language });
  if (r.error) throw new Error(`${r.error.name}: ${r.error.message}`);
  return r;
}
