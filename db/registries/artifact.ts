import type { Knex } from "knex";
import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { checkRevises, reviseExplicit, reviseLatest, type FamilyDecision } from "../records/versioning";
import { ArtifactSpec } from "../schema/models/artifact";
import type { Run } from "./run";
import { Storage } from "./storage";
import type { Schema } from "./schema";

export interface ArtifactFields {
  key?: string | null;
  description?: string | null;
  suffix?: string;
  kind?: string | null;
  otype?: string | null;
  size?: number | null;
  hash?: string | null;
  n_files?: number | null;
  n_observations?: number | null;
  version_tag?: string | null;
  storage?: Storage;
  run?: Run | null;
  revises?: Artifact;
  extra_data?: Record<string, unknown> | null;
}

/**
 * A dataset, model or file, registered by its metadata (this library does not move bytes).
 * Versioned by key: saving a new artifact under an existing key makes the next version.
 */
export class Artifact extends SQLRecord {
  static override readonly spec = ArtifactSpec;
  protected static override readonly extraOptions = ["revises"];

  declare uid: string;
  declare created_on_id: number;
  declare space_id: number;
  declare key: string | null;
  declare description: string | null;
  declare suffix: string;
  declare kind: string | null;
  declare otype: string | null;
  declare size: number | null;
  declare hash: string | null;
  declare n_files: number | null;
  declare n_observations: number | null;
  declare version_tag: string | null;
  declare is_latest: boolean;
  declare is_locked: boolean;
  declare extra_data: Record<string, unknown> | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare storage_id: number;
  declare run_id: number | null;
  declare created_by_id: number;
  declare branch_id: number;

  declare readonly run: Promise<Run | null>;
  declare readonly storage: Promise<Storage>;
  declare readonly schema: Promise<Schema | null>;
  declare readonly input_of_runs: QuerySet<Run>;
  declare readonly recreating_runs: QuerySet<Run>;
  /** The runs that annotate this artifact (lamindb_artifactrun) ← Run.artifacts. */
  declare readonly runs: QuerySet<Run>;
  /** The runs that link this artifact through a feature (lamindb_runartifact) ← Run.linked_artifacts. */
  declare readonly linked_by_runs: QuerySet<Run>;

  private revisesRecord?: Artifact;

  constructor(fields: ArtifactFields = {}) {
    const { revises, ...rest } = fields;
    super({ suffix: "", _key_is_virtual: true, _overwrite_versions: false, ...rest });
    this.revisesRecord = checkRevises(revises, Artifact, "Artifact");
  }

  override async save(): Promise<this> {
    if (this.id == null && (this as { storage_id?: number }).storage_id === undefined) {
      this.setRelated("storage", await Storage.default(this._instance));
    }
    return super.save();
  }

  static override async decideFamily(record: Artifact, trx: Knex.Transaction): Promise<FamilyDecision> {
    if (record.revisesRecord) return reviseExplicit(ArtifactSpec, record.revisesRecord);
    return record.key ? reviseLatest(trx, ArtifactSpec, { key: record.key }) : { kind: "new" };
  }
}
defineRegistry(Artifact);
