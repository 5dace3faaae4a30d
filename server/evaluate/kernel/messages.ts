// The messages between the language server and a query-cell process (server/evaluate/kernel/child.ts),
// over Node's IPC channel as JSON. The child holds no database connection and no credentials: every
// registry call is a CellCall the server validates (registry known, method on an allow-list) and
// executes with db/, answering with plain values in which records are tagged references.
import type { JsonValue } from "../../../db/shapes";

/** A registry or QuerySet method applied in order: `ln.ULabel.filter({...}).orderBy("name")`. */
export interface Step {
  method: string;
  args: JsonValue[];
}

/** A saved record, as the child names it: the server reads it again by id from the same instance. */
export interface RecordRef {
  registry: string;
  id: number;
  /** The Registry.connect() name it came from; absent for the server's own database. */
  instance?: string;
}

/** Where a chain starts: a registry class (optionally connect()ed) or a record's to-many relation. */
export type Root =
  | { kind: "registry"; registry: string; instance?: string }
  | { kind: "relation"; ref: RecordRef; relation: string };

export type CellCall =
  /** Static and QuerySet methods; a chain that ends in a QuerySet is answered with its records. */
  | { op: "query"; root: Root; steps: Step[] }
  /** A record's own methods, and `related` for a to-one relation. */
  | { op: "record"; ref: RecordRef; method: string; args: JsonValue[] }
  /** `new ln.X(...args).save()` */
  | { op: "create"; registry: string; args: JsonValue[] };

/** A registry as the child builds its `ln.<Name>` class: relations become accessors. */
export interface RegistryShape {
  name: string;
  toOne: string[];
  toMany: string[];
}

export type ToChild =
  | { type: "init"; registries: RegistryShape[] }
  | { type: "run"; runId: number; script: string; filename: string }
  | { type: "answer"; callId: number; value?: JsonValue; error?: WireError };

export type FromChild =
  | { type: "call"; callId: number; call: CellCall }
  | { type: "output"; runId: number; stream: "stdout" | "stderr"; text: string }
  | { type: "done"; runId: number; value?: JsonValue; text?: string; error?: WireError };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** Tags in wire values (both directions): a record, a Q expression tree, a lookup() result. */
export const RECORD_TAG = "$lamin_record";
export const Q_TAG = "$lamin_q";
export const LOOKUP_TAG = "$lamin_lookup";
