import type { Instance } from "../instance";
import { QuerySet } from "../query/queryset";
import { base62 } from "../uid";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import { StorageSpec } from "../schema/models/storage";

/** A storage location that artifacts live in (a folder, a bucket). */
export class Storage extends SQLRecord {
  static override readonly spec = StorageSpec;

  declare uid: string;
  declare branch_id: number;
  declare run_id: number | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare created_by_id: number;
  declare created_on_id: number;
  declare space_id: number;
  declare root: string;
  declare description: string | null;
  declare type: string;
  declare region: string | null;
  declare instance_uid: string | null;

  constructor(fields: { root: string; type?: string; description?: string | null; region?: string | null }) {
    super({ type: "local", ...fields });
  }

  /** The instance's first storage, created from its location when there is none yet. */
  static async default(instance: Instance): Promise<Storage> {
    const first = () => new QuerySet<Storage>(Storage, instance).orderBy("id").first();
    const existing = await first();
    if (existing) return existing;
    const root =
      instance.info.kind === "pglite" && instance.info.location !== ":memory:"
        ? `file://${instance.info.location}`
        : "local";
    await instance.run((db) =>
      db("lamindb_storage")
        .insert({ uid: base62(12), root, type: "local", created_by_id: instance.userId })
        .onConflict("root")
        .ignore(),
    );
    return (await first())!;
  }
}
defineRegistry(Storage);
