// Runs the migrations (Knex's migrator with an in-code source, so they bundle) unless the database
// was created by LaminDB itself, in which case its tables are used as they are. Every migration is a
// frozen SQL snapshot: a change to the model declarations never changes what a migration applies.
import type { Knex } from "knex";
import { DatabaseError, NotMigrated } from "../errors";
import * as lamindb from "./0001_lamindb_0193_squashed";
import * as searchIndexes from "./0002_search_indexes";
import * as notifyTriggers from "./0003_notify_triggers";
import * as searchDocuments from "./0004_search_documents";
import * as changeCounter from "./0005_change_counter";
import { registerStorage, type StorageRoot } from "./initial-records";
import { LEGACY_INITIAL, upgradeLegacyInitial } from "./upgrade-0001_initial";

export const MIGRATIONS_TABLE = "lamin_vscode_migrations";
export const LAMINDB_SCHEMA_MIGRATION = "0001_lamindb_0193_squashed";

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Knex asks for a down(); a LaminDB instance is never migrated backwards (nor is it by Django here).
async function down(): Promise<void> {
  throw new DatabaseError("LaminDB's schema migrations are not reversible");
}

export const migrations: Migration[] = [
  { name: LAMINDB_SCHEMA_MIGRATION, up: lamindb.up, down },
  { name: "0002_search_indexes", up: searchIndexes.up, down },
  { name: "0003_notify_triggers", up: notifyTriggers.up, down },
  { name: "0004_search_documents", up: searchDocuments.up, down },
  { name: "0005_change_counter", up: changeCounter.up, down },
];

const source: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

export type SchemaState =
  | { managedBy: "lamindb"; lamindbMigration: string } // created by LaminDB: not migrated
  | { managedBy: "lamin-vscode"; applied: string[] };

export type Progress = (message: string) => void;

export interface MigrateOptions {
  /** The instance's storage location, recorded in lamindb_storage when the database is created. */
  storage?: StorageRoot;
}

async function tableExists(knex: Knex, name: string): Promise<boolean> {
  const r = await knex.raw("SELECT to_regclass(?) IS NOT NULL AS present", [`public.${name}`]);
  return r.rows[0].present === true;
}

/** The newest LaminDB migration recorded in django_migrations, if there is one. */
export async function lamindbMigration(knex: Knex): Promise<string | undefined> {
  if (!(await tableExists(knex, "lamindb_run")) || !(await tableExists(knex, "django_migrations")))
    return undefined;
  const r = await knex.raw(
    "SELECT name FROM django_migrations WHERE app = 'lamindb' ORDER BY applied DESC, id DESC LIMIT 1",
  );
  return r.rows[0]?.name;
}

async function appliedNames(knex: Knex): Promise<string[]> {
  const rows = await knex(MIGRATIONS_TABLE).select("name").orderBy("id");
  return rows.map((r: { name: string }) => r.name);
}

export async function migrate(
  knex: Knex,
  progress: Progress = () => {},
  options: MigrateOptions = {},
): Promise<SchemaState> {
  // This project's own databases carry django_migrations too (they are LaminDB instances), so its
  // migration record is what tells them apart from a database LaminDB created.
  const ours = await tableExists(knex, MIGRATIONS_TABLE);
  if (!ours) {
    const foreign = await lamindbMigration(knex);
    if (foreign) {
      progress(`Using LaminDB's tables as they are (LaminDB migration ${foreign})`);
      return { managedBy: "lamindb", lamindbMigration: foreign };
    }
    if (await tableExists(knex, "lamindb_run")) {
      throw new DatabaseError(
        "This database has LaminDB tables but neither LaminDB's django_migrations nor this extension's migration record; " +
          "refusing to change it. Point the extension at an empty database or at a LaminDB instance.",
      );
    }
  } else if ((await appliedNames(knex)).includes(LEGACY_INITIAL)) {
    progress("Upgrading the database to LaminDB's full schema (0193_squashed)");
    await upgradeLegacyInitial(knex, MIGRATIONS_TABLE, LAMINDB_SCHEMA_MIGRATION);
  }
  const config = { migrationSource: source, tableName: MIGRATIONS_TABLE };
  const pending = (await knex.migrate.list(config))[1] as Migration[];
  if (pending.length > 0) {
    progress(`Creating LaminDB's tables (${pending.map((m) => m.name).join(", ")})`);
    // Two processes may start on a fresh server at once: the loser of Knex's migration lock waits.
    for (let attempt = 0; ; attempt++) {
      try {
        await knex.migrate.latest(config);
        break;
      } catch (e) {
        if (!/already locked/i.test(String((e as Error).message)) || attempt > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (pending.some((m) => m.name === LAMINDB_SCHEMA_MIGRATION) && options.storage) {
      await registerStorage(knex, options.storage);
    }
  }
  return { managedBy: "lamin-vscode", applied: await appliedNames(knex) };
}

/**
 * The schema state without changing anything (a read-only instance: an untrusted workspace). A
 * database this project has not created or not brought up to date is an error saying so: reading it
 * would need the migrations that only a trusted workspace runs.
 */
export async function inspectSchema(knex: Knex): Promise<SchemaState> {
  if (!(await tableExists(knex, MIGRATIONS_TABLE))) {
    const foreign = await lamindbMigration(knex);
    if (foreign) return { managedBy: "lamindb", lamindbMigration: foreign };
    throw new NotMigrated(
      "This database has no LaminDB tables yet, and an untrusted workspace creates none: trust the workspace to set it up.",
    );
  }
  const applied = await appliedNames(knex);
  const pending = migrations.filter((m) => !applied.includes(m.name));
  if (applied.includes(LEGACY_INITIAL) || pending.length > 0)
    throw new NotMigrated(
      `This database needs an upgrade (${pending.map((m) => m.name).join(", ") || "0001_lamindb_0193_squashed"}), which an untrusted workspace does not run: trust the workspace to upgrade it.`,
    );
  return { managedBy: "lamin-vscode", applied };
}
