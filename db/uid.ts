// uids as LaminDB makes them (lamindb/base/uids.py, lamin_utils/_base62.py): base62 characters
// from a cryptographic RNG; versioned registries append a 4-character base62 version suffix.
import { randomBytes } from "node:crypto";
import { InvalidArgument } from "./errors";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const VALUE = new Map([...BASE62].map((c, i) => [c, i]));
export const VERSION_SUFFIX_LENGTH = 4;

// Random bytes are drawn in batches and mapped by rejection sampling (bytes >= 248 are skipped, so
// every character is equally likely), which is much cheaper than one randomInt() call per character.
let pool = Buffer.alloc(0);
let at = 0;

export function base62(n: number): string {
  let out = "";
  while (out.length < n) {
    if (at >= pool.length) {
      pool = randomBytes(4096);
      at = 0;
    }
    const b = pool[at++];
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

export function isBase62(s: string): boolean {
  return /^[0-9A-Za-z]*$/.test(s);
}

export function decodeBase62(s: string): number {
  let n = 0;
  for (const c of s) {
    const v = VALUE.get(c);
    if (v === undefined) throw new InvalidArgument(`'${s}' is not base62`);
    n = n * 62 + v;
  }
  return n;
}

export function encodeBase62(n: number, width: number): string {
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  if (out.length > width)
    throw new InvalidArgument(`version suffix overflow: ${out} exceeds ${width} characters`);
  return out.padStart(width, "0");
}

/** 0009 -> 000A, 000Z -> 000a, 000z -> 0010. */
export function incrementBase62(s: string): string {
  return encodeBase62(decodeBase62(s) + 1, s.length);
}

/** A new family: random stem + "0000". */
export function newVersionedUid(length: number): string {
  return base62(length - VERSION_SUFFIX_LENGTH) + "0".repeat(VERSION_SUFFIX_LENGTH);
}

/**
 * The next uid in a family: the stem plus the increment of the highest suffix present, compared by
 * base62 value in code because SQL collations may sort case-insensitively.
 */
export function nextVersionUid(stem: string, familyUids: string[]): string {
  let max = -1;
  for (const uid of familyUids) {
    if (!uid.startsWith(stem) || uid.length !== stem.length + VERSION_SUFFIX_LENGTH) continue;
    max = Math.max(max, decodeBase62(uid.slice(stem.length)));
  }
  return stem + encodeBase62(max + 1, VERSION_SUFFIX_LENGTH);
}
