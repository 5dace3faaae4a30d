// LaminDB's schema at its squashed migration 0193, laid out as Django 5.2 migrates it on
// PostgreSQL, with django_migrations and lamindb-setup's initial records (the SQL beside this file),
// so that a database this project creates is a LaminDB instance LaminDB's client opens as it is.
import type { Knex } from "knex";
import { SQL } from "./0001_lamindb_0193_squashed.sql";
import { execScript } from "./script";

export async function up(knex: Knex): Promise<void> {
  await execScript(knex, SQL);
  // The initial records' deferred foreign key checks run now: the later migrations of the same
  // transaction cannot create indexes on tables with pending trigger events.
  await knex.raw("SET CONSTRAINTS ALL IMMEDIATE");
}
