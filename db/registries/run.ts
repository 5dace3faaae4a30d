import { InvalidArgument } from "../errors";
import { FeatureManager } from "../features/manager";
import { Q } from "../query/q";
import { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { RunSpec } from "../schema/models/run";
import type { RunStatus } from "../shapes";
import { RUN_STATUS_CODES, statusName } from "../status";
import { Artifact } from "./artifact";
import type { Transform } from "./transform";

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

// Fields and relations from RunSpec (schema/record-types.ts).
export interface Run extends RecordOf<typeof RunSpec> {}

/** A run of a transform, such as one execution of a notebook. */
export class Run extends SQLRecord {
  static override readonly spec = RunSpec;
  protected static override readonly extraOptions = ["status"];

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

declare module "../schema/record-types" {
  interface Registries {
    Run: Run;
  }
}
