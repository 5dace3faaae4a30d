// Types for scripts/apt.mjs.
export declare function hasDebianPackage(name: string): boolean;
export declare function aptInstall(
  packages: string[],
  options: { why: string; logFile: string; log?: (m: string) => void },
): string[];
