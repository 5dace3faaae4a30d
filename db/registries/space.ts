import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { SpaceSpec } from "../schema/models/space";

/** A space: the access scope of records ("all" is 1). */
export class Space extends SQLRecord {
  static override readonly spec = SpaceSpec;

  declare uid: string;
  declare name: string;
  declare description: string | null;

  constructor(fields: { name: string; description?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(Space);
