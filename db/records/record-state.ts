// What a record knows besides its fields, kept off its enumerable properties: the instance it was read
// from or saved to, its columns as last read or written (for change detection), and its cached
// to-one relations.
import type { Instance } from "../instance";

export interface RecordState {
  instance?: Instance;
  loaded?: Map<string, unknown>; // column -> snapshot() of its value as last read from or written to the database
  related: Map<string, unknown>; // cached to-one relations
  /** The uid a constructor made before the database was at hand; save() may replace it. */
  provisionalUid?: boolean;
}

const STATE = Symbol("lamindb.state");

export function stateOf(record: object): RecordState {
  const holder = record as { [STATE]?: RecordState };
  if (!holder[STATE]) {
    Object.defineProperty(record, STATE, {
      value: { related: new Map() },
      enumerable: false,
      writable: false,
    });
  }
  return holder[STATE]!;
}

/** What change detection compares: primitives as they are, dates by time, JSON by its text. */
export function snapshot(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  return typeof v === "object" ? JSON.stringify(v) : v;
}
