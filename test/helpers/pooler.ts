// The run's PgBouncer (transaction mode, started by scripts/test.mjs in front of the throwaway
// PostgreSQL server): the third configuration next to direct PostgreSQL and PGlite.
export function pgbouncerUrl(): string {
  const url = process.env.LAMIN_TEST_PGBOUNCER_URL;
  if (!url)
    throw new Error("No PgBouncer for tests: run through `npm test` (or set LAMIN_TEST_PGBOUNCER_URL)");
  return url;
}

/** A database's URL on the test server, through PgBouncer instead (same user and database name). */
export function throughPgbouncer(databaseUrl: string): string {
  const pooled = new URL(pgbouncerUrl());
  const u = new URL(databaseUrl);
  u.hostname = pooled.hostname;
  u.port = pooled.port;
  return u.toString();
}
