// A PostgreSQL server through `pg`, with the same type parsing as the embedded database.
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from "./normalise";

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return parseInt8;
    if (oid === DATE_OID) return parseDate;
    return pg.types.getTypeParser(oid, format);
  },
};

interface PgConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/**
 * Named prepared statements (pooled-query.ts) are planned for their values every time: PostgreSQL
 * would otherwise switch one to a generic plan after five runs, and a generic plan of
 * `lower(name) LIKE $1` reads the whole table. Session-level, on our own connections only.
 */
const CUSTOM_PLANS = `SELECT set_config('plan_cache_mode', 'force_custom_plan', false) WHERE current_setting('server_version_num')::int >= 120000`;

export function openPostgres(
  url: string,
  pool: { min: number; max: number } = { min: 0, max: 10 },
  acquireTimeoutMs = 10_000,
): Knex {
  return knexFactory({
    client: "pg",
    connection: { connectionString: url, types } as Knex.PgConnectionConfig,
    pool: {
      ...pool,
      afterCreate: (connection: PgConnection, done: (error: Error | null, c: PgConnection) => void) =>
        connection.query(CUSTOM_PLANS, (error) => done(error, connection)),
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
