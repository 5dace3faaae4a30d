// The embedded holder's sessions: PGlite served on a loopback port to the other windows' servers, but
// only to a client that proves it knows the folder's secret. PGlite itself asks no password, so
// every connection first goes through PostgreSQL's own SCRAM-SHA-256 exchange here (the ordinary `pg`
// driver speaks it); only then does its startup message reach PGlite, which answers it as usual. The
// secret is a file only the folder's owner can read (0600, in a 0700 folder), made anew by each holder.
// The holder's own driver is a session too, in process (connectLocal).
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { Duplex } from "node:stream";
import type { PGlite } from "@electric-sql/pglite";
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

// ---- one batch of messages at a time ---------------------------------------------------------

interface Pending {
  sessionId: number;
  messages: Uint8Array;
  resolve: (out: Buffer) => void;
  reject: (e: unknown) => void;
}

/**
 * Every session's messages go into PGlite through this queue, one batch at a time, and while a
 * session holds a transaction open, only that session's batches. A failed batch does not stop it.
 */
class ExclusiveQueue {
  private readonly queue: Pending[] = [];
  private processing = false;
  private lastSessionId: number | null = null;
  /** Batches run since the start. */
  ran = 0;
  /** Sessions that went away since the queue last looked; one may hold PGlite's transaction. */
  private readonly gone = new Set<number>();

  constructor(private readonly db: PGlite) {}

  /** Runs `messages` (whole protocol messages, in order) and resolves with everything PGlite answered. */
  run(sessionId: number, messages: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ sessionId, messages, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const owner = this.db.isInTransaction() ? this.lastSessionId : null;
        if (owner !== null && this.gone.has(owner)) {
          // its session went away inside the transaction (perhaps while the batch that opened it
          // ran): rolled back, so the others can go on
          await this.db.exec("ROLLBACK");
          this.lastSessionId = null;
          continue;
        }
        this.gone.clear(); // a session that went away owns no transaction now
        let i = 0;
        if (owner !== null) {
          i = this.queue.findIndex((p) => p.sessionId === owner);
          if (i < 0) break; // the transaction's owner has not sent its next messages yet
        } else if (this.queue.length === 0) break;
        const [item] = this.queue.splice(i, 1);
        const out: Buffer[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.messages, {
              // a view of PGlite's buffer, which the next chunk overwrites: copied
              onRawData: (d: Uint8Array) => void out.push(Buffer.from(d)),
            }),
          );
          this.lastSessionId = item.sessionId;
          this.ran++;
          item.resolve(out.length === 1 ? out[0] : Buffer.concat(out));
        } catch (e) {
          item.reject(e);
        }
      }
    } finally {
      this.processing = false;
    }
  }

  get length(): number {
    return this.queue.length;
  }

  /**
   * A session that went away: its waiting batches fail, and a transaction it holds is rolled back.
   * Resolves when the queue has looked (unless it is running a batch, which looks after it).
   */
  forget(sessionId: number): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].sessionId !== sessionId) continue;
      const [item] = this.queue.splice(i, 1);
      item.reject(new Error("the session closed"));
    }
    this.gone.add(sessionId);
    return this.process().catch(() => {});
  }
}

const TERMINATE = 0x58; // 'X'

/**
 * One client's conversation with PGlite, after its handshake. The messages that have arrived whole
 * go to PGlite in one call, as PostgreSQL reads them off its socket in turn, and PGlite's answer to
 * them goes back in one write. (pglite-socket's handler made a call, a turn of the queue and a write
 * per message: a statement in the extended protocol with its settings pipelined before it is eight.)
 */
class Session {
  private static nextId = 1;
  private readonly id = Session.nextId++;
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private closed = false;
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly queue: ExclusiveQueue,
    private readonly peer: Duplex,
    private readonly onClose: () => void,
  ) {
    peer.on("data", (d: Buffer) => this.receive(d));
    peer.on("error", () => void this.close());
    peer.on("close", () => void this.close());
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    const buffer = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
    let start = 0;
    if (!this.started) {
      // the startup message: no type byte; PGlite opens the session on its own
      if (buffer.length < 4) return void (this.pending = buffer);
      const len = buffer.readInt32BE(0);
      if (len < 8) return void this.close();
      if (buffer.length < len) return void (this.pending = buffer);
      this.started = true;
      this.send(buffer.subarray(0, len));
      start = len;
    }
    let end = start;
    let terminate = false;
    while (buffer.length - end >= 5) {
      const len = buffer.readInt32BE(end + 1);
      if (len < 4) return void this.close(); // not the protocol: nothing sensible follows
      if (buffer.length - end < len + 1) break;
      // Terminate is the session's end, never PGlite's (it would end PGlite's one backend)
      if (buffer[end] === TERMINATE) {
        terminate = true;
        break;
      }
      end += len + 1;
    }
    if (end > start) this.send(buffer.subarray(start, end));
    this.pending = terminate ? Buffer.alloc(0) : buffer.subarray(end);
    if (terminate) void this.last.finally(() => this.close());
  }

  private send(messages: Buffer): void {
    this.last = this.queue.run(this.id, messages).then(
      (out) => {
        if (out.length > 0 && !this.closed && this.peer.writable) this.peer.write(out);
      },
      () => this.close(),
    );
  }

  /** Ends the session; resolves once a transaction it held is rolled back (see forget()). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    const forgotten = this.queue.forget(this.id);
    if (!this.peer.destroyed) this.peer.destroy();
    this.onClose();
    return forgotten;
  }
}

/**
 * Two ends of an in-process connection, for the holder's own driver: what one end writes, the other
 * reads, with no socket between them. It has what node-postgres calls on a socket.
 */
class LocalEnd extends Duplex {
  other!: LocalEnd;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error | null) => void): void {
    this.other.push(chunk);
    callback();
  }

  // node-postgres corks a statement's messages: they arrive as one chunk, one batch, as from a socket
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (e?: Error | null) => void,
  ): void {
    this.other.push(Buffer.concat(chunks.map((c) => c.chunk)));
    callback();
  }

  override _final(callback: (e?: Error | null) => void): void {
    this.other.push(null);
    callback();
  }

  override _read(): void {}

  override _destroy(error: Error | null, callback: (e?: Error | null) => void): void {
    if (!this.other.destroyed) this.other.destroy();
    callback(error);
  }

  connect(): this {
    process.nextTick(() => this.emit("connect"));
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
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
  private readonly sessions = new Set<Session>();
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
    if (this.sessions.size + this.pending.size >= this.options.maxConnections) {
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
    this.open(socket);
    // the startup message (and anything after it) now goes to PGlite, which answers AuthenticationOk
    socket.emit("data", handshake);
  }

  private open(peer: Duplex): void {
    const session = new Session(this.queue, peer, () => this.sessions.delete(session));
    this.sessions.add(session);
  }

  /** Sessions open, batches of messages waiting for PGlite, and batches run since the start. */
  stats(): { sessions: number; queued: number; ran: number } {
    return { sessions: this.sessions.size, queued: this.queue.length, ran: this.queue.ran };
  }

  /**
   * A connection of this process's own driver (node-postgres' `stream`): the same queue as the
   * sockets' clients, without a socket or a handshake; the process holds the folder already.
   */
  connectLocal(): Duplex {
    const client = new LocalEnd();
    const server = new LocalEnd();
    client.other = server;
    server.other = client;
    this.open(server);
    return client;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.pending) s.destroy();
    // as pglite-socket's handlers did, a session's open transaction is rolled back before PGlite closes
    await Promise.all([...this.sessions].map((session) => session.close()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
