// Types for scripts/replica.mjs.
import type { ThrowawayPostgres } from "./postgres.d.mts";

export declare function startReplica(
  primary: ThrowawayPostgres,
  options?: { log?: (message: string) => void },
): Promise<{ url: string; port: number; stop(): Promise<void> }>;
