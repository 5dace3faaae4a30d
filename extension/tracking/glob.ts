// `lamindb.tracking.exclude`: globs (relative to the workspace folder) of notebooks that are never
// tracked, matched with picomatch. A pattern picomatch cannot read (an unbalanced `{`, `[` or `(`) is
// left out, never thrown: the notebook change handler must keep tracking every other notebook. The
// setting is validated where it is read (ExcludeSetting), which warns once per invalid pattern.
import picomatch from "picomatch";

export interface InvalidGlob {
  pattern: string;
  reason: string;
}

type Compiled = { test: (path: string) => boolean } | { error: string };

// Compiled patterns: the setting is read on every notebook change, compiling is not free.
const compiled = new Map<string, Compiled>();
const MAX_COMPILED = 500;

function compile(pattern: string): Compiled {
  let c = compiled.get(pattern);
  if (c) return c;
  try {
    // a glob without "/" matches at any depth; "./x" means "x"
    const glob = pattern.includes("/") ? pattern.replace(/^\.\//, "") : `**/${pattern}`;
    // strictBrackets: an unbalanced bracket is an error here rather than a literal character
    c = { test: picomatch(glob, { dot: true, strictBrackets: true }) };
  } catch (e) {
    c = { error: e instanceof Error ? e.message : String(e) };
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, c);
  return c;
}

/** The patterns picomatch cannot read, with why. */
export function invalidGlobs(patterns: readonly string[]): InvalidGlob[] {
  const out: InvalidGlob[] = [];
  for (const pattern of patterns) {
    const c = compile(pattern);
    if ("error" in c) out.push({ pattern, reason: c.error });
  }
  return out;
}

/**
 * True when `relativePath` (any separators) matches any valid glob. Invalid globs match nothing;
 * this never throws.
 */
export function matchesAny(relativePath: string, globs: readonly string[]): boolean {
  const path = relativePath.replace(/\\/g, "/");
  return globs.some((g) => {
    const c = compile(g);
    return "test" in c && c.test(path);
  });
}

/**
 * Reads the setting's raw value: the string patterns, and a warning (once for each pattern that is
 * invalid, not again on every read) for those that cannot be used.
 */
export class ExcludeSetting {
  private readonly warned = new Set<string>();

  constructor(private readonly warn: (message: string, invalid: InvalidGlob[]) => void) {}

  read(raw: unknown): string[] {
    const patterns = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === "string") : [];
    const invalid = invalidGlobs(patterns).filter((i) => !this.warned.has(i.pattern));
    if (invalid.length) {
      invalid.forEach((i) => this.warned.add(i.pattern));
      const list = invalid.map((i) => `"${i.pattern}" (${i.reason})`).join(", ");
      this.warn(
        `lamindb.tracking.exclude: ${invalid.length === 1 ? "this pattern is" : "these patterns are"} not a valid glob and excluded nothing: ${list}. ` +
          "Fix it in the settings; notebooks matching the other patterns are still excluded.",
        invalid,
      );
    }
    return patterns;
  }
}
