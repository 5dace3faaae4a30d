// Runs the migrations (Knex's migrator with an in-code source, so they bundle) unless the database
// was created by LaminDB itself, in which case its tables are used as they are.
import type { Knex } from "knex";
import { DatabaseError } from "../errors";
import * as initial from "./0001_initial";
import * as searchIndexes from "./0002_search_indexes";
import * as notifyTriggers from "./0003_notify_triggers";
import * as searchDocuments from "./0004_search_documents";

export const MIGRATIONS_TABLE = "lamin_vscode_migrations";

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const migrations: Migration[] = [
  { name: "0001_initial", ...initial },
  { name: "0002_search_indexes", ...searchIndexes },
  { name: "0003_notify_triggers", ...notifyTriggers },
  { name: "0004_search_documents", ...searchDocuments },
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

async function tableExists(knex: Knex, name: string): Promise<boolean> {
  const r = await knex.raw("SELECT to_regclass(?) IS NOT NULL AS present", [`public.${name}`]);
  return r.rows[0].present === true;
}

/** The newest LaminDB migration recorded in django_migrations, if LaminDB created this database. */
export async function lamindbMigration(knex: Knex): Promise<string | undefined> {
  if (!(await tableExists(knex, "lamindb_run")) || !(await tableExists(knex, "django_migrations")))
    return undefined;
  const r = await knex.raw(
    "SELECT name FROM django_migrations WHERE app = 'lamindb' ORDER BY applied DESC, id DESC LIMIT 1",
  );
  return r.rows[0]?.name;
}

export async function migrate(knex: Knex, progress: Progress = () => {}): Promise<SchemaState> {
  const foreign = await lamindbMigration(knex);
  if (foreign) {
    progress(`Using LaminDB's tables as they are (LaminDB migration ${foreign})`);
    return { managedBy: "lamindb", lamindbMigration: foreign };
  }
  if ((await tableExists(knex, "lamindb_run")) && !(await tableExists(knex, MIGRATIONS_TABLE))) {
    throw new DatabaseError(
      "This database has LaminDB tables but neither LaminDB's django_migrations nor this extension's migration record; " +
        "refusing to change it. Point the extension at an empty database or at a LaminDB instance.",
    );
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
  }
  const applied = ((await knex.migrate.list(config))[0] as Array<{ name: string }>).map((m) => m.name);
  return { managedBy: "lamin-vscode", applied };
}
