// Servers for the tests: one per database kind, on a fresh PostgreSQL database (reached directly, or
// through the run's PgBouncer in transaction mode) or a fresh embedded folder, each driven over stdio by
// a real LSP client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPostgresDatabase } from "../helpers/databases";
import { throughPgbouncer } from "../helpers/pooler";
import type { LaminInitializationOptions } from "../../server/protocol";
import { LspClient } from "./lsp-client";

/**
 * The configurations the database-parametrised server tests run in: direct PostgreSQL, the same
 * through PgBouncer in transaction mode (the server told so as a user would, with `?pgbouncer=true`;
 * with only that URL it learns of other writes by polling the change counter), and PGlite.
 */
export const KINDS = ["postgres", "pgbouncer", "pglite"] as const;
export type Kind = (typeof KINDS)[number];

export interface ServerFixture {
  kind: Kind;
  client: LspClient;
  options: LaminInitializationOptions;
  /** postgres, pgbouncer: the database's URL for the test's own connections (pgbouncer: through the pooler, as another user's). */
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
  } else if (kind === "pgbouncer") {
    const db = await createPostgresDatabase();
    url = throughPgbouncer(db.url);
    drop = db.drop;
    const told = new URL(url);
    told.searchParams.set("pgbouncer", "true");
    database = { kind: "postgres", name: "test", url: told.toString() };
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
  if (kind === "pgbouncer") {
    // the configuration is what it claims: a server that took the pooler for a direct connection would LISTEN
    const { notifications } = await client.request("lamin/status", {});
    if (notifications !== "poll") {
      await client.stop();
      await drop();
      throw new Error(`a server behind PgBouncer should poll the change counter, not "${notifications}"`);
    }
  }
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
