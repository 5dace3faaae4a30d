// Types for scripts/pgbouncer.mjs.
export declare function ensurePgbouncer(options?: { log?: (message: string) => void }): string;
export declare function startPgbouncer(
  url: string,
  options?: {
    log?: (message: string) => void;
    poolSize?: number;
    /** PgBouncer's query_wait_timeout (default: PgBouncer's, 120 s). */
    queryWaitTimeoutSeconds?: number;
  },
): Promise<{ url: string; port: number; stop(): Promise<void> }>;
