import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { ULabelSpec } from "../schema/models/ulabel";

export interface ULabelFields {
  name: string;
  description?: string | null;
  reference?: string | null;
  reference_type?: string | null;
  type?: ULabel | null;
  is_type?: boolean;
}

// Fields and relations from ULabelSpec (schema/record-types.ts).
export interface ULabel extends RecordOf<typeof ULabelSpec> {}

/** A universal label: a free-form annotation of runs and other records. */
export class ULabel extends SQLRecord {
  static override readonly spec = ULabelSpec;

  constructor(fields: ULabelFields) {
    super({ ...fields });
  }
}
defineRegistry(ULabel);

declare module "../schema/record-types" {
  interface Registries {
    ULabel: ULabel;
  }
}
