// LaminDB's tables, their constraints and the rows LaminDB seeds (lamindb-setup's
// register_initial_records): space 1 'all', branches -1 trash, 0 archive, 1 main, and a user.
import type { Knex } from "knex";
import { allSpecs } from "../schema/catalog";
import { addForeignKeys, createExpressionIndexes, createTable } from "./ddl";

export const DEFAULT_USER = { id: 1, uid: "00000000", handle: "anonymous", name: null };

export async function up(knex: Knex): Promise<void> {
  for (const model of allSpecs) await createTable(knex, model);
  for (const model of allSpecs) await addForeignKeys(knex, model);
  for (const model of allSpecs) await createExpressionIndexes(knex, model, (trgm) => !trgm);

  await knex("lamindb_user").insert(DEFAULT_USER);
  await knex("lamindb_space").insert({ id: 1, name: "all", uid: "aaaaaaaaaaaa", created_by_id: 1 });
  await knex("lamindb_branch").insert([
    { id: -1, name: "trash", uid: "tttttttttttt", created_by_id: 1 },
    { id: 0, name: "archive", uid: "aaaaaaaaaaaa", created_by_id: 1 },
    { id: 1, name: "main", uid: "mmmmmmmmmmmm", created_by_id: 1 },
  ]);
  // The seeds' deferred foreign key checks run now: later migrations in the same transaction
  // cannot create indexes on tables with pending trigger events.
  await knex.raw("SET CONSTRAINTS ALL IMMEDIATE");
  // Explicit ids leave the identity sequences behind; move them past the seeded rows.
  for (const table of ["lamindb_user", "lamindb_space", "lamindb_branch"]) {
    await knex.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT max(id) FROM ??))`, [
      table,
      table,
    ]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const model of [...allSpecs].reverse())
    await knex.raw("DROP TABLE IF EXISTS ?? CASCADE", [model.table]);
}
