import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { SpaceSpec } from "../schema/models/space";

// Fields and relations from SpaceSpec (schema/record-types.ts).
export interface Space extends RecordOf<typeof SpaceSpec> {}

/** A space: the access scope of records ("all" is 1). */
export class Space extends SQLRecord {
  static override readonly spec = SpaceSpec;

  constructor(fields: { name: string; description?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(Space);

declare module "../schema/record-types" {
  interface Registries {
    Space: Space;
  }
}
