import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { BranchSpec } from "../schema/models/branch";

// Fields and relations from BranchSpec (schema/record-types.ts).
export interface Branch extends RecordOf<typeof BranchSpec> {}

/** A branch: main (1), archive (0), trash (-1), or a user's own. */
export class Branch extends SQLRecord {
  static override readonly spec = BranchSpec;

  constructor(fields: { name: string; description?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(Branch);

declare module "../schema/record-types" {
  interface Registries {
    Branch: Branch;
  }
}
