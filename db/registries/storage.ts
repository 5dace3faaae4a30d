import type { Instance } from "../instance";
import { QuerySet } from "../query/queryset";
import { base62 } from "../uid";
import { defineRegistry, SQLRecord } from "../records/sqlrecord";
import type { RecordOf } from "../schema/record-types";
import { StorageSpec } from "../schema/models/storage";

// Fields and relations from StorageSpec (schema/record-types.ts).
export interface Storage extends RecordOf<typeof StorageSpec> {}

/** A storage location that artifacts live in (a folder, a bucket). */
export class Storage extends SQLRecord {
  static override readonly spec = StorageSpec;

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

declare module "../schema/record-types" {
  interface Registries {
    Storage: Storage;
  }
}
