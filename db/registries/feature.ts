import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { FeatureSpec } from "../schema/models/feature";
import type { JsonValue } from "./jsonvalue";

export interface FeatureFields {
  name: string;
  /** LaminDB's dtype string: "int", "float", "str", "bool", "date", "datetime", "dict", "cat[Record]", ... */
  dtype?: string;
  description?: string | null;
  unit?: string | null;
  synonyms?: string | null;
  type?: Feature | null;
  is_type?: boolean;
  nullable?: boolean | null;
  default_value?: unknown;
}

/** A feature: a named, typed dimension that values of runs, artifacts and records are indexed by. */
export class Feature extends SQLRecord {
  static override readonly spec = FeatureSpec;
  protected static override readonly extraOptions = ["dtype"];

  declare uid: string;
  declare run_id: number | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare name: string;
  declare _dtype_str: string | null;
  declare description: string | null;
  declare unit: string | null;
  declare synonyms: string | null;
  declare is_type: boolean;
  declare is_locked: boolean;
  declare array_rank: number;
  declare array_size: number;
  declare branch_id: number;

  declare readonly values: QuerySet<JsonValue>;

  constructor(fields: FeatureFields) {
    const { dtype, ...rest } = fields;
    super({ array_rank: 0, array_size: 0, ...rest, ...(dtype !== undefined ? { _dtype_str: dtype } : {}) });
  }

  /** The dtype string, as LaminDB's Feature.dtype. */
  get dtype(): string | null {
    return this._dtype_str;
  }
}
defineRegistry(Feature);
