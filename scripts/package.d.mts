// Types for scripts/package.mjs.
export declare const RUNTIME_PACKAGES: string[];
export declare function packageExtension(options?: { build?: boolean; log?: (m: string) => void }): {
  path: string;
  size: number;
};
