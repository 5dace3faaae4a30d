import type { Knex } from "knex";
import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { checkRevises, reviseExplicit, reviseLatest, type FamilyDecision } from "../records/versioning";
import { CollectionSpec } from "../schema/models/collection";
import { InvalidArgument } from "../errors";
import type { Run } from "./run";

/** A collection of artifacts, versioned by key like Artifact. */
export class Collection extends SQLRecord {
  static override readonly spec = CollectionSpec;
  protected static override readonly extraOptions = ["revises"];

  declare uid: string;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare key: string;
  declare description: string | null;
  declare hash: string | null;
  declare reference: string | null;
  declare reference_type: string | null;
  declare version_tag: string | null;
  declare is_latest: boolean;
  declare is_locked: boolean;
  declare run_id: number | null;
  declare branch_id: number;

  declare readonly run: Promise<Run | null>;
  declare readonly input_of_runs: QuerySet<Run>;
  declare readonly recreating_runs: QuerySet<Run>;

  private revisesRecord?: Collection;

  constructor(fields: {
    key: string;
    description?: string | null;
    hash?: string | null;
    run?: Run | null;
    revises?: Collection;
    reference?: string | null;
    reference_type?: string | null;
    version_tag?: string | null;
  }) {
    if (!fields || typeof fields.key !== "string")
      throw new InvalidArgument("new Collection({ key }): key is required");
    const { revises, ...rest } = fields;
    super(rest);
    this.revisesRecord = checkRevises(revises, Collection, "Collection");
  }

  static override async decideFamily(record: Collection, trx: Knex.Transaction): Promise<FamilyDecision> {
    if (record.revisesRecord) return reviseExplicit(CollectionSpec, record.revisesRecord);
    return reviseLatest(trx, CollectionSpec, { key: record.key });
  }
}
defineRegistry(Collection);
