import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { RecordSpec } from "../schema/models/record";
import type { Run } from "./run";

export interface RecordFields {
  name?: string | null;
  description?: string | null;
  reference?: string | null;
  reference_type?: string | null;
  extra_data?: globalThis.Record<string, unknown> | null;
  type?: Record | null;
  is_type?: boolean;
}

/** LaminDB's Record: a row of a typed sheet, or a free label. (Named Record as in LaminDB.) */
export class Record extends SQLRecord {
  static override readonly spec = RecordSpec;

  declare uid: string;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare name: string | null;
  declare description: string | null;
  declare reference: string | null;
  declare reference_type: string | null;
  declare extra_data: globalThis.Record<string, unknown> | null;
  declare is_type: boolean;
  declare is_locked: boolean;
  declare type_id: number | null;
  declare run_id: number | null;
  declare branch_id: number;

  declare readonly runs: QuerySet<Run>;
  declare readonly input_of_runs: QuerySet<Run>;
  /** The runs this record links as values of its features (lamindb_recordrun) ← Run.linked_in_records. */
  declare readonly linked_runs: QuerySet<Run>;
  declare readonly records: QuerySet<Record>;
  declare readonly type: Promise<Record | null>;
  declare readonly run: Promise<Run | null>;

  constructor(fields: RecordFields = {}) {
    super({ ...fields });
  }
}
defineRegistry(Record);
