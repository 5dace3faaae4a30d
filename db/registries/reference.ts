import { defineRegistry } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { ReferenceSpec } from "../schema/models/reference";
import { ReadOnlyRecord } from "./readonly";

// Fields and relations from ReferenceSpec (schema/record-types.ts).
export interface Reference extends RecordOf<typeof ReferenceSpec> {}

/** A reference: a publication, a dataset, a URL (read here, created in LaminDB). */
export class Reference extends ReadOnlyRecord {
  static override readonly spec = ReferenceSpec;

  constructor() {
    super("Reference");
  }
}
defineRegistry(Reference);

declare module "../schema/record-types" {
  interface Registries {
    Reference: Reference;
  }
}
