import type { Knex } from "knex";
import { hashString } from "../hash";
import { FieldValidationError, InvalidArgument } from "../errors";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { TRASH_BRANCH_ID } from "../schema/branches";
import {
  checkRevises,
  latestLiveVersion,
  reviseExplicit,
  stemOf,
  type FamilyDecision,
} from "../records/versioning";
import { TransformSpec } from "../schema/models/transform";

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

// Fields and relations from TransformSpec (schema/record-types.ts).
export interface Transform extends Omit<RecordOf<typeof TransformSpec>, "kind"> {
  kind: TransformKind; // a CharField in the model, one of TRANSFORM_KINDS here
}

/**
 * A data transformation: a notebook, script, pipeline or function. Versioned: a changed source
 * under the same key becomes the next version of its family (uid = 12-character stem + suffix).
 */
export class Transform extends SQLRecord {
  static override readonly spec = TransformSpec;
  protected static override readonly extraOptions = ["revises", "version"];

  /** Set when constructed with `revises`; read by save(). */
  private revisesRecord?: Transform;

  constructor(fields: TransformFields) {
    if (!fields || typeof fields.key !== "string" || fields.key.length === 0) {
      throw new InvalidArgument("new Transform({ key }): key is required");
    }
    if (fields.kind !== undefined && !TRANSFORM_KINDS.includes(fields.kind)) {
      throw new FieldValidationError(
        `kind: ${JSON.stringify(fields.kind)} is not a valid value. Valid values are: ${[...TRANSFORM_KINDS].sort().join(", ")}`,
        "kind",
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

declare module "../schema/record-types" {
  interface Registries {
    Transform: Transform;
  }
}
