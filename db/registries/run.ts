import { InvalidArgument } from "../errors";
import { FeatureManager } from "../features/manager";
import { Q } from "../query/q";
import { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { RunSpec } from "../schema/models/run";
import type { RunStatus } from "../shapes";
import { RUN_STATUS_CODES, statusName } from "../status";
import { Artifact } from "./artifact";
import type { Collection } from "./collection";
import type { JsonValue } from "./jsonvalue";
import type { Project } from "./project";
import type { Record as LaminRecord } from "./record";
import type { RunBlock } from "./runblock";
import type { Transform } from "./transform";
import type { ULabel } from "./ulabel";
import type { User } from "./user";
import type { Branch } from "./branch";
import type { Space } from "./space";

export interface RunOptions {
  name?: string | null;
  description?: string | null;
  entrypoint?: string | null;
  params?: Record<string, unknown> | null;
  reference?: string | null;
  reference_type?: string | null;
  initiated_by_run?: Run | null;
  plan?: Artifact | null;
  /** Only "scheduled" (the default) or "started", as in LaminDB. */
  status?: "scheduled" | "started";
  started_at?: Date | string;
  cli_args?: string | null;
}

/** A run of a transform, such as one execution of a notebook. */
export class Run extends SQLRecord {
  static override readonly spec = RunSpec;
  protected static override readonly extraOptions = ["status"];

  declare uid: string;
  declare name: string | null;
  declare description: string | null;
  declare entrypoint: string | null;
  declare started_at: Date;
  declare finished_at: Date | null;
  declare params: Record<string, unknown> | null;
  declare extra_data: Record<string, unknown> | null;
  declare reference: string | null;
  declare reference_type: string | null;
  declare cli_args: string | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare is_locked: boolean;
  declare _aux: unknown;
  declare _is_consecutive: boolean | null;
  declare _status_code: number;
  declare transform_id: number;
  declare created_by_id: number;
  declare initiated_by_run_id: number | null;
  declare report_id: number | null;
  declare environment_id: number | null;
  declare plan_id: number | null;
  declare branch_id: number;
  declare created_on_id: number;
  declare space_id: number;

  declare readonly transform: Promise<Transform>;
  declare readonly created_by: Promise<User>;
  declare readonly initiated_by_run: Promise<Run | null>;
  declare readonly report: Promise<Artifact | null>;
  declare readonly environment: Promise<Artifact | null>;
  declare readonly plan: Promise<Artifact | null>;
  declare readonly branch: Promise<Branch>;
  declare readonly created_on: Promise<Branch>;
  declare readonly space: Promise<Space>;
  declare readonly initiated_runs: QuerySet<Run>;
  declare readonly output_artifacts: QuerySet<Artifact>;
  declare readonly input_artifacts: QuerySet<Artifact>;
  declare readonly recreated_artifacts: QuerySet<Artifact>;
  declare readonly output_collections: QuerySet<Collection>;
  declare readonly input_collections: QuerySet<Collection>;
  declare readonly recreated_collections: QuerySet<Collection>;
  declare readonly output_records: QuerySet<LaminRecord>;
  declare readonly input_records: QuerySet<LaminRecord>;
  declare readonly records: QuerySet<LaminRecord>;
  declare readonly projects: QuerySet<Project>;
  declare readonly ulabels: QuerySet<ULabel>;
  declare readonly json_values: QuerySet<JsonValue>;
  declare readonly ablocks: QuerySet<RunBlock>;
  /** The artifacts annotated by this run (lamindb_artifactrun) ← runs. */
  declare readonly artifacts: QuerySet<Artifact>;
  /** The artifacts linked by this run through the run's features (lamindb_runartifact) ← linked_by_runs. */
  declare readonly linked_artifacts: QuerySet<Artifact>;
  /** The records that link this run as a value (lamindb_recordrun) ← linked_runs. */
  declare readonly linked_in_records: QuerySet<LaminRecord>;

  /** new Run(transform, { name, params, ... }), as on LaminDB's Run page. The transform must be saved. */
  constructor(transform: Transform, options: RunOptions = {}) {
    if (!transform || typeof transform !== "object" || transform.id === undefined || transform.id === null) {
      throw new InvalidArgument("new Run(transform): pass a saved Transform");
    }
    const { status, ...fields } = options;
    super({ ...fields, transform });
    if (status !== undefined && status !== "scheduled" && status !== "started") {
      throw new InvalidArgument(
        `new Run(): status is "scheduled" or "started", got ${JSON.stringify(status)}`,
      );
    }
    this._status_code = RUN_STATUS_CODES[status ?? "scheduled"];
  }

  /** Feature values of this run: run.features.setValues({ experiment: "My experiment 1" }). */
  get features(): FeatureManager {
    return new FeatureManager(this);
  }

  /**
   * Output artifacts including recreated ones: Artifact.filter(Q(run=self) | Q(recreating_runs=self)).distinct().
   * With include_recreated false, only the artifacts this run created.
   */
  queryOutputArtifacts(options: { include_recreated?: boolean } = {}): QuerySet<Artifact> {
    if (this.id === undefined || this.id === null) throw new InvalidArgument("Save the run first");
    const artifacts = new QuerySet<Artifact>(Artifact);
    if (options.include_recreated === false) return artifacts.filter({ run: this.id });
    return artifacts.filter(Q({ run: this.id }).or(Q({ recreating_runs: this.id }))).distinct();
  }

  /** The status name, read from _status_code (read-only, as in LaminDB). */
  get status(): RunStatus {
    return statusName(this._status_code);
  }
}
defineRegistry(Run);
