import { defineRegistry } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { SchemaSpec } from "../schema/models/schema";
import { ReadOnlyRecord } from "./readonly";

// Fields and relations from SchemaSpec (schema/record-types.ts).
export interface Schema extends RecordOf<typeof SchemaSpec> {}

/** A schema: the features that validate artifacts and records (read here, created in LaminDB). */
export class Schema extends ReadOnlyRecord {
  static override readonly spec = SchemaSpec;

  constructor() {
    super("Schema");
  }
}
defineRegistry(Schema);

declare module "../schema/record-types" {
  interface Registries {
    Schema: Schema;
  }
}
