// Types for scripts/companion.mjs.
export declare const COMPANION_ID: string;
export declare function installCompanion(extensionsDir: string): string;
