import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { UserSpec } from "../schema/models/user";

// Fields and relations from UserSpec (schema/record-types.ts).
export interface User extends RecordOf<typeof UserSpec> {}

/** A user: who created a record. */
export class User extends SQLRecord {
  static override readonly spec = UserSpec;

  constructor(fields: { handle: string; name?: string | null; uid?: string }) {
    super({ ...fields });
  }
}
defineRegistry(User);

declare module "../schema/record-types" {
  interface Registries {
    User: User;
  }
}
