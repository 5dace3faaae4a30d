import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { ProjectSpec } from "../schema/models/project";
import type { Run } from "./run";

export interface ProjectFields {
  name: string;
  description?: string | null;
  abbr?: string | null;
  url?: string | null;
  start_date?: string | null;
  end_date?: string | null;
  type?: Project | null;
  is_type?: boolean;
}

/** A project that runs and other records belong to. */
export class Project extends SQLRecord {
  static override readonly spec = ProjectSpec;

  declare uid: string;
  declare run_id: number | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare name: string;
  declare description: string | null;
  declare abbr: string | null;
  declare url: string | null;
  declare start_date: string | null;
  declare end_date: string | null;
  declare is_type: boolean;
  declare is_locked: boolean;
  declare _status_code: number;
  declare branch_id: number;

  declare readonly runs: QuerySet<Run>;
  declare readonly projects: QuerySet<Project>;

  constructor(fields: ProjectFields) {
    super({ ...fields });
  }
}
defineRegistry(Project);
