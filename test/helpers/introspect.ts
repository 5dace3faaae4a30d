// A database's schema read back from pg_catalog, the same way on PostgreSQL and PGlite: every
// table's columns in order, its constraints, the indexes that back no constraint, its triggers.
import type { Knex } from "knex";

export interface ActualColumn {
  column: string;
  dataType: string;
  maxLength: number | null;
  nullable: boolean;
  default: string | null;
  identity: boolean;
}

export interface ActualTable {
  table: string;
  columns: ActualColumn[];
  /** contype p (primary), u (unique), c (check), f (foreign key). */
  constraints: Array<{ name: string; type: string; definition: string; validated: boolean }>;
  indexes: Array<{ name: string; definition: string }>;
  triggers: Array<{ name: string; definition: string; comment: string | null }>;
}

export interface Schema {
  tables: Map<string, ActualTable>;
  /** Functions in the public schema: name -> source. */
  functions: Map<string, string>;
}

export async function introspect(knex: Knex): Promise<Schema> {
  const tables = new Map<string, ActualTable>();
  const table = (name: string): ActualTable => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { table: name, columns: [], constraints: [], indexes: [], triggers: [] }));
    return t;
  };
  const rows = async (sql: string) => (await knex.raw(sql)).rows as Array<Record<string, unknown>>;

  for (const r of await rows(
    `SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length, c.is_nullable, c.is_identity,
            pg_get_expr(d.adbin, d.adrelid) AS column_default
     FROM information_schema.columns c
     JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = 'public'::regnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = k.oid AND d.adnum = c.ordinal_position
     WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position`,
  )) {
    table(String(r.table_name)).columns.push({
      column: String(r.column_name),
      dataType: String(r.data_type),
      maxLength: r.character_maximum_length === null ? null : Number(r.character_maximum_length),
      nullable: r.is_nullable === "YES",
      default: (r.column_default as string | null) ?? null,
      identity: r.is_identity === "YES",
    });
  }
  for (const r of await rows(
    `SELECT k.relname AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def, c.convalidated
     FROM pg_constraint c JOIN pg_class k ON k.oid = c.conrelid
     WHERE k.relnamespace = 'public'::regnamespace AND c.contype <> 'n' ORDER BY c.conname`,
  )) {
    table(String(r.table_name)).constraints.push({
      name: String(r.conname),
      type: String(r.contype),
      definition: String(r.def),
      validated: r.convalidated === true,
    });
  }
  for (const r of await rows(
    `SELECT k.relname AS table_name, i.relname AS index_name, pg_get_indexdef(x.indexrelid) AS def
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class k ON k.oid = x.indrelid
     WHERE k.relnamespace = 'public'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))
     ORDER BY i.relname`,
  )) {
    table(String(r.table_name)).indexes.push({ name: String(r.index_name), definition: String(r.def) });
  }
  for (const r of await rows(
    `SELECT k.relname AS table_name, t.tgname, pg_get_triggerdef(t.oid) AS def,
            obj_description(t.oid, 'pg_trigger') AS comment
     FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND k.relnamespace = 'public'::regnamespace ORDER BY t.tgname`,
  )) {
    table(String(r.table_name)).triggers.push({
      name: String(r.tgname),
      definition: String(r.def),
      comment: (r.comment as string | null) ?? null,
    });
  }
  const functions = new Map<string, string>();
  for (const r of await rows(
    `SELECT p.proname, p.prosrc FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
  )) {
    functions.set(String(r.proname), String(r.prosrc));
  }
  return { tables, functions };
}
