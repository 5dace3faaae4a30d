// Types for scripts/postgres.mjs.
export interface ThrowawayPostgres {
  url: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
  /** Stops the server, keeping its data folder and port (throws for a DATABASE_URL server). */
  pause(): void;
  /** Starts it again on the same folder and port. */
  resume(): void;
  /** pause and resume as command lines ([command, ...args]) for another process; none for DATABASE_URL. */
  commands: { pause: string[]; resume: string[] } | undefined;
  source: string;
  /** The binaries' folder and port of a cluster these tests started (none for DATABASE_URL). */
  bin?: string;
  port?: number;
}

export declare function installedBinDir(): string | undefined;
export declare function startPostgres(options?: {
  log?: (message: string) => void;
  dedicated?: boolean;
  /** The server's max_connections (default 200). */
  maxConnections?: number;
}): Promise<ThrowawayPostgres>;
