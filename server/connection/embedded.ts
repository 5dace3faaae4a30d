// One embedded (PGlite) folder shared by several VS Code windows. The first server takes the
// folder's lock, opens PGlite and serves it on a loopback port (socket-server.ts), behind a
// SCRAM-SHA-256 password that is a secret file only the folder's owner can read (socket-server.ts);
// it advertises the port in the lock file. Every server then talks to the folder with the ordinary
// PostgreSQL driver, the other windows' through that socket and the holder's own in process, through a
// session on the same queue: the queue keeps each session's transaction whole, which a PGlite handle
// used beside it would not. When the holder exits, a client notices (its pid is gone or the socket
// drops) and the next opener takes over.
import { existsSync, mkdirSync, statSync } from "node:fs";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import {
  connect,
  createPglite,
  FolderLock,
  holderAlive,
  InstanceLockedError,
  makePrivate,
  readLockHolder,
  type Instance,
} from "../../db/index";
import { log } from "../log";
import { AuthenticatedSocketServer, readSecret, writeSecret } from "./socket-server";

export interface EmbeddedConnection {
  instance: Instance;
  role: "holder" | "client";
  port: number;
  holderPid: number;
  close(): Promise<void>;
}

// Enough connections for every window's pool; a quick reconnect with maxConnections 1 is dropped.
const MAX_SOCKET_CONNECTIONS = 64;
const OPEN_TIMEOUT_MS = 60_000;
// One connection per server: PGlite runs one statement at a time anyway, and concurrent extended-
// protocol conversations from one process through pglite-socket (which the holder used before its own
// sessions) were seen to interleave (08P01).
const SOCKET_POOL = 1;
// The holder's PGlite runs in its event loop: while it executes a long statement (another window's
// query cell, a load of demo data) it accepts and authenticates no one, and a loaded machine stretches
// that. Waiting for the one connection is slowness, not a lost database (database.ts).
const SOCKET_ACQUIRE_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// the lock's own liveness check, re-exported for database.ts
export { holderAlive };

export class EmbeddedFolderError extends Error {
  override name = "EmbeddedFolderError";
}

/**
 * Makes the embedded database's folder (mkdir -p), so the server works without the extension. An
 * untrusted workspace (`create` false) creates nothing: a missing folder, or one without a database
 * (PGlite would make one), is then an error.
 */
export function ensureFolder(dir: string, create: boolean): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // missing: made below
  }
  if (isDir === false)
    throw new EmbeddedFolderError(
      `The embedded database path ${dir} is a file, not a folder: move it away, or connect to PostgreSQL.`,
    );
  // an existing folder without a database would be initialised by PGlite on opening
  if (isDir && (create || existsSync(join(dir, "PG_VERSION")))) return;
  if (!create)
    throw new EmbeddedFolderError(
      `There is no embedded database in ${dir} yet, and an untrusted workspace creates none: trust the workspace, or connect to PostgreSQL.`,
    );
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new EmbeddedFolderError(
      `Cannot create the embedded database folder ${dir} (${code}): make its parent folder writable, or connect to PostgreSQL.`,
    );
  }
}

function socketUrl(port: number, secret: string | undefined): string {
  // the secret is hex, safe in a URL; db/ redacts the password wherever it shows a location. A holder
  // writes its secret before it advertises its port, so a port without a secret is a holder of an
  // earlier version (no password asked), still running in another window.
  return `postgresql://postgres${secret ? `:${secret}` : ""}@127.0.0.1:${port}/postgres`;
}

/**
 * The URL of a folder's current holder, with its secret, for a process of the folder's owner (tests,
 * the benchmark); undefined when no holder serves it.
 */
export function holderUrl(dir: string): string | undefined {
  const holder = readLockHolder(dir);
  return holder?.port ? socketUrl(holder.port, readSecret(dir)) : undefined;
}

interface Served {
  port: number;
  secret: string;
  /** A connection of this process to the folder, in process (the same queue as the socket's). */
  connectLocal(): Duplex;
  stop(): Promise<void>;
}

async function serveFolder(dir: string): Promise<Served> {
  const lock = FolderLock.acquire(dir);
  try {
    const pglite = await createPglite(dir);
    makePrivate(dir); // PGlite unpacks a new database readable by everyone
    // a new secret for each holder, written before the port is advertised
    const secret = writeSecret(dir);
    const server = new AuthenticatedSocketServer({
      db: pglite,
      secret,
      maxConnections: MAX_SOCKET_CONNECTIONS,
      onRejected: (reason) => log("warn", `Refused a connection to the embedded database: ${reason}`),
    });
    const port = await server.start();
    lock.advertise(port);
    log("info", `Holding the embedded database ${dir}; serving it on 127.0.0.1:${port} (password required)`);
    return {
      port,
      secret,
      connectLocal: () => server.connectLocal(),
      stop: async () => {
        try {
          await server.stop();
          await pglite.close();
        } finally {
          lock.releaseSync();
        }
      },
    };
  } catch (e) {
    lock.releaseSync();
    throw e;
  }
}

function isRefused(e: unknown): boolean {
  const text = String((e as Error)?.message ?? e);
  // a failed password: the holder changed (a new secret) between reading the lock and the secret
  return /ECONNREFUSED|ECONNRESET|Cannot reach|Timed out|terminated|Connection|password authentication/i.test(
    text,
  );
}

/** Opens the folder as its holder, or through the current holder; waits while a holder starts. */
export async function openEmbedded(
  dir: string,
  user: { handle: string; name?: string },
  readOnly = false,
): Promise<EmbeddedConnection> {
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the process holding ${dir}`);
    const holder = readLockHolder(dir);
    if (holder && holder.pid !== process.pid && holderAlive(holder)) {
      if (holder.port) {
        try {
          const url = socketUrl(holder.port, readSecret(dir));
          const instance = await connect({
            url,
            user,
            readOnly,
            maxConnections: SOCKET_POOL,
            acquireTimeoutMs: SOCKET_ACQUIRE_TIMEOUT_MS,
            setDefault: false, // each server's own: Database.use() scopes it
          });
          log(
            "info",
            `Connected to the embedded database ${dir} through process ${holder.pid} (port ${holder.port})`,
          );
          return {
            instance,
            role: "client",
            port: holder.port,
            holderPid: holder.pid,
            close: () => instance.close(),
          };
        } catch (e) {
          if (!isRefused(e)) throw e;
        }
      }
      await sleep(100); // the holder is still starting, or going away
      continue;
    }
    let served: Served;
    try {
      served = await serveFolder(dir);
    } catch (e) {
      if (e instanceof InstanceLockedError) {
        await sleep(100); // another server won the race; connect through it
        continue;
      }
      throw e;
    }
    try {
      // the holder's own connection skips the socket: the URL names the database and user only
      const url = socketUrl(served.port, served.secret);
      const instance = await connect({
        url,
        stream: served.connectLocal,
        user,
        readOnly,
        maxConnections: SOCKET_POOL,
        acquireTimeoutMs: SOCKET_ACQUIRE_TIMEOUT_MS,
        setDefault: false,
      });
      return {
        instance,
        role: "holder",
        port: served.port,
        holderPid: process.pid,
        close: async () => {
          await instance.close();
          await served.stop();
        },
      };
    } catch (e) {
      await served.stop();
      throw e;
    }
  }
}
