// Types for scripts/build-renderer.mjs, so TypeScript tests and benches can import it.
export declare const rendererOutDir: string;
export declare const rendererEntries: { describe: string; table: string };
export declare function buildRenderers(options?: { minify?: boolean }): Promise<unknown>;
