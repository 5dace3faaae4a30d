// A PostgreSQL server through `pg`, with the same type parsing as the embedded database.
import type { Duplex } from "node:stream";
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from "./normalise";
import { setUpConnection, type StartedConnection } from "./pooler";
import { guardConnection, type GuardedConnection, type GuardOptions } from "./statement-guard";

// asked for every column of every result: the imports read once (a module's exports may be getters)
const [INT8, DATE, int8, date] = [INT8_OID, DATE_OID, parseInt8, parseDate];
/** The type parsers of every connection (pg's, with int8 and date as PGlite reads them). */
export const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8) return int8;
    if (oid === DATE) return date;
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * A Knex handle on a PostgreSQL server. `pooled`: the URL reaches it through a transaction-mode
 * pooler (pooler.ts), so connections hold no session state; otherwise each new connection is checked
 * for being direct, and only a direct one gets session settings and named statements.
 */
export interface PostgresOptions {
  pool?: { min: number; max: number };
  /** Through a transaction-mode pooler: no session state, no named statements. */
  pooled?: boolean;
  /** How long a statement waits for a pool connection (ms). */
  acquireTimeoutMs?: number;
  /** Every statement in a read-only transaction (an untrusted workspace; statement-guard.ts). */
  readOnly?: boolean;
  /** How long a connection may sit idle before the pool closes it (ms; default 30 s). */
  idleTimeoutMs?: number;
  /** application_name the server shows in pg_stat_activity (a pooler forwards it too). */
  applicationName?: string;
  /** Read by every connection's guard at each statement: connect() sets `pooled` once it knows. */
  guard?: GuardOptions;
  /** Each connection's transport instead of a socket to the URL's host (node-postgres' `stream`). */
  stream?: () => Duplex;
}

export function openPostgres(
  url: string,
  {
    pool = { min: 0, max: 3 },
    pooled = false,
    acquireTimeoutMs = 10_000,
    readOnly = false,
    idleTimeoutMs = 30_000,
    applicationName,
    guard = { pooled },
    stream,
  }: PostgresOptions = {},
): Knex {
  const connection = {
    connectionString: url,
    types: pgTypes,
    ...(applicationName ? { application_name: applicationName } : {}),
    ...(stream ? { stream } : {}),
  };
  return knexFactory({
    client: "pg",
    connection: connection as Knex.PgConnectionConfig,
    pool: {
      ...pool,
      idleTimeoutMillis: idleTimeoutMs,
      // tarn checks for idle connections this often (default 1 s): a short idle time stays short
      reapIntervalMillis: Math.min(1000, Math.max(100, Math.floor(idleTimeoutMs / 2))),
      afterCreate: (
        connection: StartedConnection,
        done: (error: Error | null, c: StartedConnection) => void,
      ) =>
        setUpConnection(connection, { pooled, readOnly }, (error) => {
          if (!error) guardConnection(connection as unknown as GuardedConnection, readOnly, guard);
          done(error, connection);
        }),
    },
    acquireConnectionTimeout: acquireTimeoutMs,
  });
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid database URL>";
  }
}
