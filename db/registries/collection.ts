import type { Knex } from "knex";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { checkRevises, reviseExplicit, reviseLatest, type FamilyDecision } from "../records/versioning";
import { CollectionSpec } from "../schema/models/collection";
import { InvalidArgument } from "../errors";
import type { Run } from "./run";

// Fields and relations from CollectionSpec (schema/record-types.ts).
export interface Collection extends RecordOf<typeof CollectionSpec> {}

/** A collection of artifacts, versioned by key like Artifact. */
export class Collection extends SQLRecord {
  static override readonly spec = CollectionSpec;
  protected static override readonly extraOptions = ["revises"];

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

declare module "../schema/record-types" {
  interface Registries {
    Collection: Collection;
  }
}
