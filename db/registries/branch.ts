import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { BranchSpec } from "../schema/models/branch";

/** A branch: main (1), archive (0), trash (-1), or a user's own. */
export class Branch extends SQLRecord {
  static override readonly spec = BranchSpec;

  declare uid: string;
  declare name: string;
  declare description: string | null;
  declare _status_code: number;

  constructor(fields: { name: string; description?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(Branch);
