import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { RecordSpec } from "../schema/models/record";

export interface RecordFields {
  name?: string | null;
  description?: string | null;
  reference?: string | null;
  reference_type?: string | null;
  extra_data?: globalThis.Record<string, unknown> | null;
  type?: Record | null;
  is_type?: boolean;
}

// Fields and relations from RecordSpec (schema/record-types.ts).
export interface Record extends RecordOf<typeof RecordSpec> {}

/** LaminDB's Record: a row of a typed sheet, or a free label. (Named Record as in LaminDB.) */
export class Record extends SQLRecord {
  static override readonly spec = RecordSpec;

  constructor(fields: RecordFields = {}) {
    super({ ...fields });
  }
}
defineRegistry(Record);

declare module "../schema/record-types" {
  interface Registries {
    Record: Record;
  }
}
