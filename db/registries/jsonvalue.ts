import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { JsonValueSpec } from "../schema/models/jsonvalue";
import type { Feature } from "./feature";

// Fields and relations from JsonValueSpec (schema/record-types.ts).
export interface JsonValue extends RecordOf<typeof JsonValueSpec> {}

/** A feature-indexed JSON value, shared by every record annotated with it. */
export class JsonValue extends SQLRecord {
  static override readonly spec = JsonValueSpec;

  constructor(fields: { value: unknown; feature?: Feature | null; hash?: string | null }) {
    super({ ...fields });
  }
}
defineRegistry(JsonValue);

declare module "../schema/record-types" {
  interface Registries {
    JsonValue: JsonValue;
  }
}
