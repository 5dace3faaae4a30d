// Types for scripts/ensure-jupyter.mjs.
export declare const JUPYTER_PACKAGES: string[];
export declare const KERNELSPEC: string;
export declare function ensureJupyter(options?: { log?: (m: string) => void }): {
  python: string;
  ipykernel: string;
};
