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
  reviseFromHead,
  stemOf,
  type FamilyDecision,
} from "../records/versioning";
import { stateOf } from "../records/record-state";
import { MAIN_BRANCH_ID } from "../schema/branches";
import { incrementBase62, newVersionedUid, VERSION_SUFFIX_LENGTH } from "../uid";
import { TransformSpec } from "../schema/models/transform";

export const TRANSFORM_KINDS = ["pipeline", "notebook", "script", "function"] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

export interface TransformFields {
  /** Required unless `revises` is given, whose key a revision takes (LaminDB's process_revises). */
  key?: string;
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
  /** LaminDB's skip_hash_lookup: do not return a transform of another key with the same source. */
  skip_hash_lookup?: boolean;
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
  protected static override readonly extraOptions = ["revises", "version", "skip_hash_lookup"];

  /** Set when constructed with `revises`; read by save(). */
  private revisesRecord?: Transform;
  /** `revises` was not the latest version at construction: save() revises from the live head. */
  private revisesStale = false;
  private skipHashLookup = false;

  constructor(fields: TransformFields) {
    const revisesKey = fields?.revises instanceof Transform ? fields.revises.key : undefined;
    if (
      !fields ||
      typeof (fields.key ?? revisesKey) !== "string" ||
      (fields.key ?? revisesKey)!.length === 0
    ) {
      throw new InvalidArgument("new Transform({ key }): key is required");
    }
    if (fields.kind !== undefined && !TRANSFORM_KINDS.includes(fields.kind)) {
      throw new FieldValidationError(
        `kind: ${JSON.stringify(fields.kind)} is not a valid value. Valid values are: ${[...TRANSFORM_KINDS].sort().join(", ")}`,
        "kind",
      );
    }
    const { version, revises, skip_hash_lookup, ...rest } = fields;
    // a revision takes the key and, unless given, the description of what it revises
    const inherited =
      revises instanceof Transform
        ? { key: rest.key ?? revises.key, description: rest.description ?? revises.description ?? null }
        : {};
    super({
      kind: "pipeline",
      ...rest,
      ...inherited,
      ...(version !== undefined ? { version_tag: version } : {}),
    });
    if (typeof this.source_code === "string") this.hash = hashString(this.source_code);
    this.revisesRecord = checkRevises(revises, Transform, "Transform");
    this.revisesStale = this.revisesRecord?.is_latest === false;
    this.skipHashLookup = skip_hash_lookup === true;
    if (this.revisesRecord && this.version_tag != null && this.version_tag === this.revisesRecord.version_tag)
      throw new InvalidArgument(
        `Please change the version tag or leave it undefined, '${this.version_tag}' is already taken`,
      );
    if (this.uid === undefined) {
      // LaminDB makes the uid in the constructor; the versions it depends on are known at save(),
      // which keeps this uid for a new family and gives a revision the family's next suffix
      const r = this.revisesRecord;
      this.uid = r
        ? r.uid.slice(0, -VERSION_SUFFIX_LENGTH) + incrementBase62(r.uid.slice(-VERSION_SUFFIX_LENGTH))
        : newVersionedUid(TransformSpec.uid!.length);
      stateOf(this).provisionalUid = true;
    }
  }

  /** version_tag if set, else the uid's 4-character suffix (LaminDB's `version`). */
  get version(): string {
    return this.version_tag ?? this.uid.slice(-4);
  }

  get stem_uid(): string {
    return stemOf(TransformSpec, this.uid);
  }

  /**
   * LaminDB's Transform constructor, at save time: a live latest version with the same source hash is
   * returned, under any key (it keeps its key) unless skip_hash_lookup; the key's latest live version
   * without source is returned when the new one has none either (LaminDB returns it whatever source
   * is passed; see docs/data-model.md); otherwise the key's latest version is revised, its description
   * inherited unless one is given.
   */
  static override async decideFamily(record: Transform, trx: Knex.Transaction): Promise<FamilyDecision> {
    if (record.revisesRecord && record.revisesStale)
      return reviseFromHead(
        trx,
        TransformSpec,
        record.revisesRecord,
        Number(record.branch_id ?? MAIN_BRANCH_ID),
      );
    if (record.revisesRecord) return reviseExplicit(TransformSpec, record.revisesRecord);
    const latest = await latestLiveVersion(trx, TransformSpec, { key: record.key });
    if (record.hash) {
      const live = () =>
        trx("lamindb_transform").where({ hash: record.hash }).andWhereNot("branch_id", TRASH_BRANCH_ID);
      const same =
        (record.skipHashLookup
          ? undefined
          : await live().where({ is_latest: true }).orderBy("id", "desc").first()) ??
        // an older version of this key with this source: a new one would break UNIQUE(key, hash)
        (await live().where({ key: record.key }).orderBy("id", "desc").first());
      if (same) return { kind: "adopt", row: same };
    }
    if (!latest) return { kind: "new" };
    if (latest.source_code === null && (record.source_code ?? null) === null)
      return { kind: "adopt", row: latest };
    if (record.description == null) record.description = (latest.description as string | null) ?? null;
    return { kind: "revise", stem: stemOf(TransformSpec, String(latest.uid)) };
  }
}
defineRegistry(Transform);

declare module "../schema/record-types" {
  interface Registries {
    Transform: Transform;
  }
}
