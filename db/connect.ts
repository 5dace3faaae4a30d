// connect(): open a PostgreSQL server ({ url }), an embedded folder ({ dir }) or an in-memory
// database ({ memory: true }); bring the schema up to date; return the Instance.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Duplex } from "node:stream";
import type { Knex } from "knex";
import { InvalidArgument } from "./errors";
import { Instance } from "./instance";
import { inspectSchema, migrate, type Progress } from "./migrations";
import { mapDbError } from "./connection/db-errors";
import { FolderLock } from "./connection/folder-lock";
import { makePrivate } from "./connection/private-folder";
import { openPglite } from "./connection/pglite";
import { openPostgres, redactUrl } from "./connection/postgres";
import { poolerFromUrl, reachesDirectly } from "./connection/pooler";
import type { GuardOptions } from "./connection/statement-guard";

/** A window's connections to a PostgreSQL server at most: see docs/scaling.md for the arithmetic. */
export const MAX_CONNECTIONS = 3;

export type ConnectOptions = ({ url: string } | { dir: string } | { memory: true }) & {
  /** The user records are created by; get-or-created by handle. Default: the seeded "anonymous". */
  user?: { handle: string; name?: string };
  /** Called with a message for each slow step (opening, migrating). */
  onProgress?: Progress;
  /** Make this the instance registries use by default (true unless said otherwise). */
  setDefault?: boolean;
  /** Connections to a PostgreSQL server at most (default 3, see docs/scaling.md). */
  maxConnections?: number;
  /** How long a statement waits for a connection of the pool, in ms (default 10 s). */
  acquireTimeoutMs?: number;
  /** How long a PostgreSQL connection may sit idle before it is closed, in ms (default 30 s). */
  idleTimeoutMs?: number;
  /** application_name of the PostgreSQL connections (pg_stat_activity shows it). */
  applicationName?: string;
  /**
   * `{ url }` only: each connection's transport, instead of a socket to the URL's host (node-postgres'
   * `stream`): the embedded folder's holder reaches its own PGlite in process this way.
   */
  stream?: () => Duplex;
  /**
   * The URL reaches the server through a transaction-mode pooler (PgBouncer, Supavisor): no named
   * statements, no session state. Default: the URL's `pgbouncer=true`, else detected on connecting.
   */
  pooled?: boolean;
  /**
   * The instance's storage location (LaminDB's `--storage`): a folder or a cloud URL, recorded in
   * lamindb_storage when this call creates the database. Default: the folder of `{ dir }`; none for
   * `{ url }` and `{ memory }` (artifacts then get a storage row on first use).
   */
  storage?: string;
  /**
   * Change nothing (an untrusted workspace): no migration (a database that needs one is a NotMigrated
   * error), no user row, no folder; every statement in a read-only transaction on a PostgreSQL
   * connection (connection/statement-guard.ts).
   */
  readOnly?: boolean;
};

async function resolveUser(knex: Knex, user: ConnectOptions["user"], readOnly: boolean): Promise<number> {
  const handle = user?.handle ?? "anonymous";
  const found = await knex("lamindb_user").select("id").where({ handle }).first();
  if (found) return Number(found.id);
  // read-only: no record is created, so the user it would name need not exist (0: nobody)
  if (readOnly) return 0;
  if (!user) {
    const first = await knex("lamindb_user").select("id").orderBy("id").first();
    if (first) return Number(first.id);
  }
  const { base62 } = await import("./uid");
  const [row] = await knex("lamindb_user")
    .insert({ uid: base62(8), handle, name: user?.name ?? null })
    .onConflict("handle")
    .merge({ handle })
    .returning("id");
  return Number(row.id);
}

export async function connect(options: ConnectOptions): Promise<Instance> {
  const progress = options.onProgress ?? (() => {});
  let knex: Knex;
  let kind: "postgres" | "pglite";
  let location: string;
  let release: () => Promise<void>;
  let pooledBySetting = false;
  const guard: GuardOptions = { pooled: false };

  if ("url" in options) {
    if (typeof options.url !== "string" || !/^postgres(ql)?:\/\//.test(options.url)) {
      throw new InvalidArgument("connect({ url }) needs a postgresql:// URL");
    }
    kind = "postgres";
    location = redactUrl(options.url);
    progress(`Connecting to ${location}`);
    const target = poolerFromUrl(options.url);
    pooledBySetting = options.pooled ?? target.pooled;
    guard.pooled = pooledBySetting;
    knex = openPostgres(target.url, {
      pool: { min: 0, max: options.maxConnections ?? MAX_CONNECTIONS },
      pooled: pooledBySetting,
      acquireTimeoutMs: options.acquireTimeoutMs,
      readOnly: options.readOnly === true,
      idleTimeoutMs: options.idleTimeoutMs,
      applicationName: options.applicationName,
      stream: options.stream,
      guard,
    });
    release = () => knex.destroy();
  } else if ("dir" in options || "memory" in options) {
    kind = "pglite";
    const dir = "dir" in options ? options.dir : undefined;
    location = dir ?? ":memory:";
    let lock: FolderLock | undefined;
    if (dir) {
      if (options.readOnly)
        throw new InvalidArgument("connect({ dir, readOnly }): open the folder through its holder");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      lock = FolderLock.acquire(dir); // before PGlite touches the folder
    }
    progress(dir ? `Opening the embedded database in ${dir}` : "Starting an in-memory database");
    try {
      const opened = await openPglite(dir);
      if (dir) makePrivate(dir); // PGlite unpacks a new database readable by everyone
      knex = opened.knex;
      const pglite = opened.pglite;
      release = async () => {
        try {
          await knex.destroy(); // knex-pglite closes PGlite with the pool
          if (!pglite.closed) await pglite.close();
        } finally {
          lock?.releaseSync();
        }
      };
    } catch (e) {
      lock?.releaseSync();
      throw e;
    }
  } else {
    throw new InvalidArgument("connect() needs one of { url }, { dir } or { memory: true }");
  }

  try {
    const storage = options.storage ?? ("dir" in options ? resolve(options.dir) : undefined);
    const schema = options.readOnly
      ? await inspectSchema(knex)
      : await migrate(knex, progress, storage ? { storage: { root: storage } } : {});
    const version = String((await knex.raw("SELECT version() AS v")).rows[0].v);
    const server = kind === "postgres" && !/pglite|emscripten/i.test(version); // not PGlite behind its holder's socket
    const pooled = server && (pooledBySetting || !(await reachesDirectly(knex)));
    guard.pooled = pooled;
    guard.timeouts = server;
    const namedStatements = server && !pooled;
    const userId = await resolveUser(knex, options.user, options.readOnly === true);
    const engine = server ? "postgres" : "pglite"; // `server` is false for kind "pglite" too
    const instance = new Instance(
      knex,
      { kind, location, schema, namedStatements, pooled, engine },
      userId,
      release,
    );
    if (options.setDefault !== false) Instance.setDefault(instance);
    progress("Connected");
    return instance;
  } catch (e) {
    await release().catch(() => {});
    throw mapDbError(e, location);
  }
}
