// Notebook sources by hash, for lamin/track: the extension sends a notebook's source with the first
// event that names it and only its SHA-256 after (server/protocol.ts, NotebookInfo). Kept in memory,
// the most recently used first, within a bound on count and size; an event naming a source the
// server does not hold fails with SourceUnknown, and the extension sends it again with the source.
import { createHash } from "node:crypto";
import { InvalidArgument } from "../../db/index";
import type { NotebookInfo } from "../protocol";

const MAX_SOURCES = 256;
const MAX_CHARS = 64 * 1024 * 1024;

export class SourceUnknown extends Error {
  override name = "SourceUnknown";
}

export type WithSource = NotebookInfo & { source: string };

export function sourceHash(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

export class SourceStore {
  private readonly byHash = new Map<string, string>();
  private chars = 0;

  /** The notebook with its source: the one it carries (remembered), or the one its hash names. */
  resolve(nb: NotebookInfo): WithSource {
    const { source, sourceHash: hash } = nb;
    if (source !== undefined && typeof source !== "string")
      throw new InvalidArgument("notebook.source must be a string");
    if (hash !== undefined && (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)))
      throw new InvalidArgument("notebook.sourceHash must be a SHA-256 in lowercase hex");
    if (typeof source === "string") {
      const actual = sourceHash(source);
      if (hash !== undefined && hash !== actual)
        throw new InvalidArgument("notebook.sourceHash is not the SHA-256 of notebook.source");
      this.remember(actual, source);
      return { ...nb, source, sourceHash: actual };
    }
    if (hash === undefined) throw new InvalidArgument("notebook needs source or sourceHash");
    const known = this.byHash.get(hash);
    if (known === undefined)
      throw new SourceUnknown(
        `The server does not hold the notebook source ${hash.slice(0, 12)}: send it with the event.`,
      );
    this.byHash.delete(hash); // most recently used last
    this.byHash.set(hash, known);
    return { ...nb, source: known };
  }

  private remember(hash: string, source: string): void {
    if (this.byHash.has(hash)) {
      this.byHash.delete(hash);
      this.byHash.set(hash, source);
      return;
    }
    this.byHash.set(hash, source);
    this.chars += source.length;
    for (const [h, s] of this.byHash) {
      if (this.byHash.size <= MAX_SOURCES && this.chars <= MAX_CHARS) break;
      if (h === hash) break; // keep the one just sent, however large
      this.byHash.delete(h);
      this.chars -= s.length;
    }
  }
}
