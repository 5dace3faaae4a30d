// Types for scripts/bench-readme.mjs.
export interface ReadmeFigure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
  goal?: string;
  target?: { max?: number; maxRatio?: number; equalsBaseline?: boolean };
  samples?: string;
}
export interface ReadmeResults {
  machine?: Record<string, unknown>;
  command?: string;
  benches?: Record<string, string>;
  figures?: ReadmeFigure[];
}
export declare const BEGIN: string;
export declare const END: string;
export declare const GROUPS: string[];
export declare function groupOf(name: string): string;
export declare function missingP99(figures: readonly ReadmeFigure[]): string[];
export declare function met(f: ReadmeFigure): "met" | "not met" | "";
export declare function section(results: ReadmeResults): string;
export declare function renderReadme(readme: string, results: ReadmeResults): Promise<string>;
export declare function writeReadme(options?: {
  readmeFile?: string;
  resultsFile?: string;
}): Promise<boolean>;
