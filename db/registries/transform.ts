import type { Knex } from "knex";
import { hashString } from "../hash";
import { InvalidArgument } from "../errors";
import type { QuerySet } from "../query/queryset";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { TRASH_BRANCH_ID } from "../schema/branches";
import {
  checkRevises,
  latestLiveVersion,
  reviseExplicit,
  stemOf,
  type FamilyDecision,
} from "../records/versioning";
import { TransformSpec } from "../schema/models/transform";
import type { Run } from "./run";
import type { User } from "./user";

export const TRANSFORM_KINDS = ["pipeline", "notebook", "script", "function"] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

export interface TransformFields {
  key: string;
  kind?: TransformKind;
  description?: string | null;
  source_code?: string | null;
  version_tag?: string | null;
  /** LaminDB's `version` argument: stored in version_tag. */
  version?: string | null;
  reference?: string | null;
  reference_type?: string | null;
  revises?: Transform;
  uid?: string;
}

/**
 * A data transformation: a notebook, script, pipeline or function. Versioned: a changed source
 * under the same key becomes the next version of its family (uid = 12-character stem + suffix).
 */
export class Transform extends SQLRecord {
  static override readonly spec = TransformSpec;
  protected static override readonly extraOptions = ["revises", "version"];

  declare uid: string;
  declare key: string;
  declare description: string | null;
  declare kind: TransformKind;
  declare source_code: string | null;
  declare hash: string | null;
  declare reference: string | null;
  declare reference_type: string | null;
  declare version_tag: string | null;
  declare is_latest: boolean;
  declare is_locked: boolean;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare run_id: number | null;
  declare environment_id: number | null;
  declare plan_id: number | null;
  declare branch_id: number;
  declare created_on_id: number;
  declare space_id: number;

  declare readonly runs: QuerySet<Run>;
  declare readonly created_by: Promise<User>;
  declare readonly run: Promise<Run | null>;

  /** Set when constructed with `revises`; read by save(). */
  private revisesRecord?: Transform;

  constructor(fields: TransformFields) {
    if (!fields || typeof fields.key !== "string" || fields.key.length === 0) {
      throw new InvalidArgument("new Transform({ key }): key is required");
    }
    if (fields.kind !== undefined && !TRANSFORM_KINDS.includes(fields.kind)) {
      throw new InvalidArgument(
        `Transform kind is one of ${TRANSFORM_KINDS.join(", ")}; got ${JSON.stringify(fields.kind)}`,
      );
    }
    const { version, revises, ...rest } = fields;
    super({ kind: "pipeline", ...rest, ...(version !== undefined ? { version_tag: version } : {}) });
    if (typeof this.source_code === "string") this.hash = hashString(this.source_code);
    this.revisesRecord = checkRevises(revises, Transform, "Transform");
  }

  /** version_tag if set, else the uid's 4-character suffix (LaminDB's `version`). */
  get version(): string {
    return this.version_tag ?? this.uid.slice(-4);
  }

  get stem_uid(): string {
    return stemOf(TransformSpec, this.uid);
  }

  /**
   * LaminDB's Transform constructor, at save time: the same key and source as an existing version
   * returns that version; a latest version without source is reused; otherwise the key's latest
   * version is revised.
   */
  static override async decideFamily(record: Transform, trx: Knex.Transaction): Promise<FamilyDecision> {
    if (record.revisesRecord) return reviseExplicit(TransformSpec, record.revisesRecord);
    if (record.hash) {
      const same = await trx("lamindb_transform")
        .where({ key: record.key, hash: record.hash })
        .andWhereNot("branch_id", TRASH_BRANCH_ID)
        .orderBy([
          { column: "is_latest", order: "desc" },
          { column: "id", order: "desc" },
        ])
        .first();
      if (same) return { kind: "adopt", row: same };
    }
    const latest = await latestLiveVersion(trx, TransformSpec, { key: record.key });
    if (!latest) return { kind: "new" };
    if (latest.source_code === null && (record.source_code ?? null) === null)
      return { kind: "adopt", row: latest };
    return { kind: "revise", stem: stemOf(TransformSpec, String(latest.uid)) };
  }
}
defineRegistry(Transform);
