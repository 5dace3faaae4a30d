import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { JsonValueSpec } from "../schema/models/jsonvalue";
import type { Feature } from "./feature";
import type { Run } from "./run";

/** A feature-indexed JSON value, shared by every record annotated with it. */
export class JsonValue extends SQLRecord {
  static override readonly spec = JsonValueSpec;

  declare value: unknown;
  declare hash: string | null;
  declare feature_id: number | null;
  declare branch_id: number;

  declare readonly feature: Promise<Feature | null>;
  declare readonly runs: QuerySet<Run>;

  constructor(fields: { value: unknown; feature?: Feature | null; hash?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(JsonValue);
