import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { UserSpec } from "../schema/models/user";
import type { Run } from "./run";

/** A user: who created a record. */
export class User extends SQLRecord {
  static override readonly spec = UserSpec;

  declare uid: string;
  declare handle: string;
  declare name: string | null;
  declare created_at: Date;

  declare readonly created_runs: QuerySet<Run>;

  constructor(fields: { handle: string; name?: string | null; uid?: string }) {
    super({ ...fields });
  }
}
defineRegistry(User);
