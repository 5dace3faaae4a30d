// Types for scripts/ensure-chromium.mjs.
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
export declare function ensureChromium(): string;
