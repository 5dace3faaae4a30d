import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { ProjectSpec } from "../schema/models/project";

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

// Fields and relations from ProjectSpec (schema/record-types.ts).
export interface Project extends RecordOf<typeof ProjectSpec> {}

/** A project that runs and other records belong to. */
export class Project extends SQLRecord {
  static override readonly spec = ProjectSpec;

  constructor(fields: ProjectFields) {
    super({ ...fields });
  }
}
defineRegistry(Project);

declare module "../schema/record-types" {
  interface Registries {
    Project: Project;
  }
}
