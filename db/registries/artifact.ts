import type { Knex } from "knex";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { checkRevises, reviseExplicit, reviseLatest, type FamilyDecision } from "../records/versioning";
import { ArtifactSpec } from "../schema/models/artifact";
import type { Run } from "./run";
import { Storage } from "./storage";

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

// Fields and relations from ArtifactSpec (schema/record-types.ts).
export interface Artifact extends RecordOf<typeof ArtifactSpec> {}

/**
 * A dataset, model or file, registered by its metadata (this library does not move bytes).
 * Versioned by key: saving a new artifact under an existing key makes the next version.
 */
export class Artifact extends SQLRecord {
  static override readonly spec = ArtifactSpec;
  protected static override readonly extraOptions = ["revises"];

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

declare module "../schema/record-types" {
  interface Registries {
    Artifact: Artifact;
  }
}
