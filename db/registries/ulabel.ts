import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { ULabelSpec } from "../schema/models/ulabel";
import type { Run } from "./run";

export interface ULabelFields {
  name: string;
  description?: string | null;
  reference?: string | null;
  reference_type?: string | null;
  type?: ULabel | null;
  is_type?: boolean;
}

/** A universal label: a free-form annotation of runs and other records. */
export class ULabel extends SQLRecord {
  static override readonly spec = ULabelSpec;

  declare uid: string;
  declare run_id: number | null;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare name: string;
  declare description: string | null;
  declare reference: string | null;
  declare reference_type: string | null;
  declare is_type: boolean;
  declare is_locked: boolean;
  declare type_id: number | null;
  declare branch_id: number;
  declare created_at: Date;

  declare readonly runs: QuerySet<Run>;
  declare readonly ulabels: QuerySet<ULabel>;
  declare readonly type: Promise<ULabel | null>;

  constructor(fields: ULabelFields) {
    super({ ...fields });
  }
}
defineRegistry(ULabel);
