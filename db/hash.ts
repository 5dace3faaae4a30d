import { createHash } from "node:crypto";

/** LaminDB's hash_string: MD5, URL-safe base64 without padding, first 22 characters. */
export function hashString(s: string): string {
  return createHash("md5").update(s, "utf8").digest("base64url").slice(0, 22);
}
