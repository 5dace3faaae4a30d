// Databases created by this project before it laid out LaminDB's whole schema: migration
// 0001_initial built 23 of LaminDB's tables (with this project's own index and constraint names)
// from the model declarations of that time. This upgrade brings such a database to exactly what
// 0001_lamindb_0193_squashed creates, keeping every row, then records it as that migration.
import type { Knex } from "knex";
import { execScript } from "./script";
import { UPGRADE_SQL } from "./upgrade-0001_initial.sql";

export const LEGACY_INITIAL = "0001_initial";

/** Upgrades in one transaction; a second process waiting on the lock finds the work done. */
export async function upgradeLegacyInitial(
  knex: Knex,
  migrationsTable: string,
  newName: string,
): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw("SELECT pg_advisory_xact_lock(?)", [LOCK_KEY]);
    const legacy = await trx(migrationsTable).where({ name: LEGACY_INITIAL }).first();
    if (!legacy) return;
    await execScript(trx, UPGRADE_SQL);
    await trx(migrationsTable).where({ name: LEGACY_INITIAL }).update({ name: newName });
  });
}

// An arbitrary constant shared by every process that upgrades (pg_advisory_xact_lock's key space).
const LOCK_KEY = 4_170_193;
