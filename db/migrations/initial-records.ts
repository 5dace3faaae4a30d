// The storage row lamindb-setup's init writes for a new instance (register_storage_in_instance):
// its root, the type LaminDB infers from the root's protocol, and the managing instance's uid. The
// other initial records (space, branches, user) are part of the frozen 0001 migration; this one
// depends on where the instance lives, so the code that creates the database passes it.
import type { Knex } from "knex";
import { base62 } from "../uid";

export interface StorageRoot {
  /** A folder (an absolute path) or a cloud URL: s3://bucket/prefix, gs://bucket, https://... */
  root: string;
}

/** LaminDB's storage type: the root's protocol, with local paths as "local". */
export function storageType(root: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(root);
  if (!m || m[1].toLowerCase() === "file") return "local";
  return m[1].toLowerCase();
}

/** LaminDB stores roots without a trailing slash (lamindb-setup's convert_root_path_to_str). */
export function normaliseRoot(root: string): string {
  const trimmed = root.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** Records the instance's first storage location, unless one is already recorded. */
export async function registerStorage(knex: Knex, storage: StorageRoot): Promise<void> {
  const root = normaliseRoot(storage.root);
  await knex.raw(
    `INSERT INTO lamindb_storage (uid, root, type, region, instance_uid, created_by_id)
     SELECT ?, ?, ?, NULL, ?, 1 WHERE NOT EXISTS (SELECT 1 FROM lamindb_storage)
     ON CONFLICT (root) DO NOTHING`,
    [base62(12), root, storageType(root), base62(12)],
  );
}
