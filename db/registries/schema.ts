import type { QuerySet } from "../query/queryset";
import { defineRegistry } from "../records/sqlrecord";
import { SchemaSpec } from "../schema/models/schema";
import type { Artifact } from "./artifact";
import type { Feature } from "./feature";
import { ReadOnlyRecord } from "./readonly";

/** A schema: the features that validate artifacts and records (read here, created in LaminDB). */
export class Schema extends ReadOnlyRecord {
  static override readonly spec = SchemaSpec;

  declare uid: string;
  declare name: string | null;
  declare description: string | null;
  declare n_members: number | null;
  declare itype: string | null;
  declare otype: string | null;
  declare hash: string | null;
  declare is_type: boolean;

  declare readonly features: QuerySet<Feature>;
  declare readonly validated_artifacts: QuerySet<Artifact>;

  constructor() {
    super("Schema");
  }
}
defineRegistry(Schema);
