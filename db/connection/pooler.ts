// Whether a connection reaches PostgreSQL directly or through a transaction-mode pooler (PgBouncer,
// Supavisor, as managed services put in front). Through a pooler each transaction may run on another
// server connection, so nothing may outlive a statement or transaction: no named prepared statements
// (42P05 "already exists" / 26000 "does not exist") and no session settings, which would also leak
// into other clients' work. Said by the URL (`pgbouncer=true`, as Prisma reads it) or detected per
// connection: the backend process id PostgreSQL announces at startup is the one running our
// statements only when nothing sits in between (a pooler answers the startup itself, with its own).
import type { Knex } from "knex";

/** The connection as `pg` has it after startup: the backend process id from BackendKeyData. */
export interface StartedConnection {
  processID?: number | null;
  query(
    config: { text: string; values: unknown[] },
    callback: (error: Error | null, result?: { rows: Array<Record<string, unknown>> }) => void,
  ): void;
}

/** The URL for the driver, and whether it says a pooler is in front (`?pgbouncer=true`). */
export function poolerFromUrl(url: string): { url: string; pooled: boolean } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, pooled: false };
  }
  const flag = u.searchParams.get("pgbouncer");
  if (flag === null) return { url, pooled: false };
  u.searchParams.delete("pgbouncer"); // ours, not a server parameter
  return { url: u.toString(), pooled: flag === "true" || flag === "1" };
}

const direct = new WeakSet<object>();

/** Whether this connection was found to reach the server directly (see setUpConnection). */
export function isDirect(connection: object): boolean {
  return direct.has(connection);
}

/**
 * Run once on each new connection. Direct: records it (named statements are then allowed). Through a
 * pooler: nothing is set. One round trip either way. No `plan_cache_mode` is set: named statements
 * (save()'s INSERT) should reach a generic plan, and under `force_custom_plan` every INSERT re-planned
 * its foreign-key checks and the notify trigger's statements too (2x the raw insert, bench/db-bench.ts);
 * what needs a plan per value (typeahead's `LIKE $1`) runs unnamed, which is always planned for its values.
 * `readOnly`: a direct connection also gets `default_transaction_read_only` for its session (the
 * statement guard makes every transaction read-only anyway, the pooled ones included).
 */
export function setUpConnection(
  connection: StartedConnection,
  { pooled, readOnly = false }: { pooled: boolean; readOnly?: boolean },
  done: (error: Error | null) => void,
): void {
  if (pooled) return done(null);
  const text = `SELECT pg_backend_pid() = $1::int AS direct,
    CASE WHEN pg_backend_pid() = $1::int AND $2::bool
      THEN set_config('default_transaction_read_only', 'on', false) END AS read_only`;
  connection.query({ text, values: [connection.processID ?? null, readOnly] }, (error, result) => {
    if (!error && result?.rows[0]?.direct === true) direct.add(connection);
    done(error);
  });
}

interface ConnectionPool {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<unknown>;
}

/** Whether the handle's connections reach the server directly (one connection is asked). */
export async function reachesDirectly(knex: Knex): Promise<boolean> {
  const pool = knex.client as unknown as ConnectionPool;
  const connection = await pool.acquireConnection();
  try {
    return isDirect(connection);
  } finally {
    await pool.releaseConnection(connection);
  }
}
