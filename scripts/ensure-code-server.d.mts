// Types for scripts/ensure-code-server.mjs.
export declare const CODE_SERVER_VERSION: string;
export declare const E2E_ROOT: string;
export declare function codeServerBin(root?: string): string;
export declare function ensureCodeServer(options?: { root?: string; log?: (m: string) => void }): string;
export declare function freePort(): Promise<number>;
export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  userData: string;
  extensions: string;
  stop(): Promise<void>;
  output(): string;
}
export declare function startCodeServer(options: {
  folder: string;
  dir: string;
  port?: number;
  disableTrust?: boolean;
  env?: Record<string, string>;
  log?: (m: string) => void;
  stdio?: unknown;
}): Promise<CodeServer>;
