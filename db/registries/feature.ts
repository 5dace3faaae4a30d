import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { FeatureSpec } from "../schema/models/feature";

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

// Fields and relations from FeatureSpec (schema/record-types.ts).
export interface Feature extends RecordOf<typeof FeatureSpec> {}

/** A feature: a named, typed dimension that values of runs, artifacts and records are indexed by. */
export class Feature extends SQLRecord {
  static override readonly spec = FeatureSpec;
  protected static override readonly extraOptions = ["dtype"];

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

declare module "../schema/record-types" {
  interface Registries {
    Feature: Feature;
  }
}
