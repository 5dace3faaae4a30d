// Types for scripts/pgbouncer.mjs.
export declare function ensurePgbouncer(options?: { log?: (message: string) => void }): string;
export declare function startPgbouncer(
  url: string,
  options?: { log?: (message: string) => void; poolSize?: number },
): Promise<{ url: string; port: number; stop(): Promise<void> }>;
