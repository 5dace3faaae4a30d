// The embedded holder's socket: PGlite served on a loopback port to the other windows' servers, but
// only to a client that proves it knows the folder's secret. pglite-socket itself accepts anyone, so
// every connection first goes through PostgreSQL's own SCRAM-SHA-256 exchange here (the ordinary `pg`
// driver speaks it); only then does the startup message reach pglite-socket's handler, and PGlite
// answers it as usual. The secret is a file only the folder's owner can read (0600, in a 0700 folder),
// made anew by each holder.
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";
import { SCRAM_MECHANISM, ScramError, ScramExchange, scramVerifier, type ScramVerifier } from "./scram";

export const SECRET_FILE = "lamin-vscode.secret";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** A client that has not authenticated by then is dropped (a stray or hostile connection). */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** No startup or SASL message of a real client comes near this. */
const MAX_HANDSHAKE_MESSAGE = 16 * 1024;

/** Writes a fresh secret (0600, atomically) and returns it. */
export function writeSecret(dir: string): string {
  const secret = randomBytes(32).toString("hex");
  const path = join(dir, SECRET_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, secret);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return secret;
}

/** The current holder's secret, for a client of the same user; undefined if unreadable. */
export function readSecret(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, SECRET_FILE), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

// ---- messages of the handshake ------------------------------------------------------------------

function authRequest(code: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(9 + payload.length);
  b.write("R", 0);
  b.writeInt32BE(8 + payload.length, 1);
  b.writeInt32BE(code, 5);
  payload.copy(b, 9);
  return b;
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const b = Buffer.alloc(5 + fields.length);
  b.write("E", 0);
  b.writeInt32BE(4 + fields.length, 1);
  fields.copy(b, 5);
  return b;
}

/**
 * Reads length-prefixed messages off a socket during the handshake. The first message of a
 * connection has no type byte (startup, SSL and cancel requests); the later ones have one.
 */
class HandshakeReader {
  private buffer = Buffer.alloc(0);

  push(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
  }

  /** An untyped message (int32 length including itself, then the body), whole, or undefined. */
  untyped(): Buffer | undefined {
    if (this.buffer.length < 4) return undefined;
    const len = this.buffer.readInt32BE(0);
    if (len < 8 || len > MAX_HANDSHAKE_MESSAGE) throw new ScramError("invalid startup packet length");
    if (this.buffer.length < len) return undefined;
    const msg = this.buffer.subarray(0, len);
    this.buffer = this.buffer.subarray(len);
    return msg;
  }

  /** A typed message: its type and body, or undefined while incomplete. */
  typed(): { type: string; body: Buffer } | undefined {
    if (this.buffer.length < 5) return undefined;
    const len = this.buffer.readInt32BE(1);
    if (len < 4 || len > MAX_HANDSHAKE_MESSAGE) throw new ScramError("invalid message length");
    if (this.buffer.length < len + 1) return undefined;
    const type = String.fromCharCode(this.buffer[0]);
    const body = this.buffer.subarray(5, len + 1);
    this.buffer = this.buffer.subarray(len + 1);
    return { type, body };
  }

  rest(): Buffer {
    return this.buffer;
  }
}

/** SASLInitialResponse: mechanism\0, int32 length, data. */
function parseInitialResponse(body: Buffer): { mechanism: string; data: string } {
  const end = body.indexOf(0);
  if (end < 0 || body.length < end + 5) throw new ScramError("malformed SASLInitialResponse");
  const mechanism = body.subarray(0, end).toString("utf8");
  const len = body.readInt32BE(end + 1);
  const data = len < 0 ? "" : body.subarray(end + 5, end + 5 + len).toString("utf8");
  return { mechanism, data };
}

function startupUser(startup: Buffer): string {
  const parts = startup.subarray(8).toString("utf8").split("\0");
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] === "user") return parts[i + 1];
  return "";
}

/**
 * Runs the handshake on a new socket: answers SSL/GSS requests with "N", drops cancel requests,
 * then asks for SCRAM-SHA-256. Resolves with the startup message and any bytes that followed, once
 * the client proved the secret; rejects (having told the client, as PostgreSQL does) otherwise.
 */
function authenticate(socket: Socket, verifier: ScramVerifier): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const reader = new HandshakeReader();
    let startup: Buffer | undefined;
    let exchange: ScramExchange | undefined;
    let finished = false;
    const timer = setTimeout(() => fail(new ScramError("authentication timed out")), HANDSHAKE_TIMEOUT_MS);
    const done = () => {
      finished = true;
      clearTimeout(timer);
      socket.removeListener("data", onData);
      socket.removeListener("error", fail);
      socket.removeListener("close", onClose);
    };
    function fail(e: Error, reply?: Buffer): void {
      if (finished) return;
      done();
      if (reply && socket.writable) socket.end(reply);
      else socket.destroy();
      reject(e);
    }
    const onClose = () => fail(new ScramError("closed during authentication"));
    const onData = (data: Buffer) => {
      try {
        reader.push(data);
        step();
      } catch (e) {
        const user = startup ? startupUser(startup) : "";
        fail(
          e as Error,
          errorResponse("28P01", `password authentication failed for user "${user.replace(/"/g, "")}"`),
        );
      }
    };
    const step = () => {
      for (;;) {
        if (!startup) {
          const msg = reader.untyped();
          if (!msg) return;
          const code = msg.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write("N");
            continue;
          }
          if (code === CANCEL_REQUEST) return fail(new ScramError("cancel requests are not served"));
          if (code !== PROTOCOL_3) throw new ScramError(`unsupported protocol ${code}`);
          startup = Buffer.from(msg);
          const mechanisms = Buffer.from(`${SCRAM_MECHANISM}\0\0`);
          socket.write(authRequest(10, mechanisms)); // AuthenticationSASL
          continue;
        }
        const msg = reader.typed();
        if (!msg) return;
        if (msg.type !== "p") throw new ScramError(`unexpected message ${msg.type} during authentication`);
        if (!exchange) {
          const { mechanism, data } = parseInitialResponse(msg.body);
          if (mechanism !== SCRAM_MECHANISM) throw new ScramError(`unsupported mechanism ${mechanism}`);
          exchange = new ScramExchange(verifier);
          socket.write(authRequest(11, Buffer.from(exchange.first(data)))); // SASLContinue
          continue;
        }
        const serverFinal = exchange.final(msg.body.toString("utf8"));
        socket.write(authRequest(12, Buffer.from(serverFinal))); // SASLFinal; PGlite sends AuthenticationOk
        done();
        resolve(Buffer.concat([startup, reader.rest()]));
        return;
      }
    };
    socket.on("data", onData);
    socket.on("error", fail);
    socket.on("close", onClose);
  });
}

// ---- one statement at a time --------------------------------------------------------------------

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (e: unknown) => void;
}

/**
 * The queue pglite-socket's handlers send their messages through (its own is not exported): one
 * message at a time into PGlite, and while a connection holds a transaction open, only that
 * connection's messages. Unlike pglite-socket 0.2's, a failed message does not stop the queue.
 */
class ExclusiveQueue {
  private readonly queue: Pending[] = [];
  private processing = false;
  private lastHandlerId: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let i = 0;
        if (this.db.isInTransaction() && this.lastHandlerId !== null) {
          i = this.queue.findIndex((p) => p.handlerId === this.lastHandlerId);
          if (i < 0) break; // the transaction's owner has not sent its next message yet
        }
        const [item] = this.queue.splice(i, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (d: Uint8Array) => {
                bytes += d.length;
                item.onData(d);
              },
            }),
          );
          this.lastHandlerId = item.handlerId;
          item.resolve(bytes);
        } catch (e) {
          item.reject(e);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId !== handlerId) continue;
      const [item] = this.queue.splice(i, 1);
      item.reject(new Error("Handler disconnected"));
    }
  }

  /** A connection that went away inside a transaction: roll it back so the others can go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.db.isInTransaction() && this.lastHandlerId === handlerId) {
      await this.db.exec("ROLLBACK");
      this.lastHandlerId = null;
      await this.process();
    }
  }
}

// ---- the server ---------------------------------------------------------------------------------

export interface SocketServerOptions {
  db: PGlite;
  /** The password a client must prove (SCRAM-SHA-256). */
  secret: string;
  maxConnections: number;
  onRejected?: (reason: string) => void;
}

export class AuthenticatedSocketServer {
  private server: Server | undefined;
  private readonly handlers = new Set<PGLiteSocketHandler>();
  private readonly pending = new Set<Socket>();
  private readonly queue: ExclusiveQueue;
  private readonly verifier: ScramVerifier;

  constructor(private readonly options: SocketServerOptions) {
    this.queue = new ExclusiveQueue(options.db);
    this.verifier = scramVerifier(options.secret);
  }

  /** Listens on 127.0.0.1 on a free port; resolves with the port. */
  async start(): Promise<number> {
    await this.options.db.waitReady;
    const server = createServer((socket) => void this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.removeListener("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address !== "object") throw new Error("the socket server has no port");
    return address.port;
  }

  private async accept(socket: Socket): Promise<void> {
    if (this.handlers.size + this.pending.size >= this.options.maxConnections) {
      socket.end(errorResponse("53300", "sorry, too many clients already"));
      return;
    }
    socket.setNoDelay(true);
    this.pending.add(socket);
    let handshake: Buffer;
    try {
      handshake = await authenticate(socket, this.verifier);
    } catch (e) {
      this.options.onRejected?.(e instanceof Error ? e.message : String(e));
      return;
    } finally {
      this.pending.delete(socket);
    }
    if (!this.server || socket.destroyed) {
      socket.destroy();
      return;
    }
    const handler = new PGLiteSocketHandler({
      queryQueue: this.queue as unknown as PGLiteSocketHandlerOptions["queryQueue"],
      closeOnDetach: true,
    });
    this.handlers.add(handler);
    const forget = () => this.handlers.delete(handler);
    handler.addEventListener("close", forget);
    handler.addEventListener("error", forget);
    await handler.attach(socket);
    // the startup message (and anything after it) now goes to PGlite, which answers AuthenticationOk
    socket.emit("data", handshake);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.pending) s.destroy();
    await Promise.all([...this.handlers].map((h) => h.detach(true)));
    this.handlers.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
