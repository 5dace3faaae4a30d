// Writes db/migrations/upgrade-0001_initial.sql.ts: the SQL that turns a database of this project's
// earlier layout (0001_initial to 0004_search_documents, test/fixtures/lamin-vscode-0004/) into what
// 0001_lamindb_0193_squashed creates. It loads the earlier layout and a fresh database on a throwaway
// PostgreSQL server, compares their catalogs and takes every missing object's statement from the
// frozen 0001 SQL: new tables whole, renames where only the name differs (the earlier layout named
// indexes and constraints its own way), defaults in Django's spelling. Run once, output committed:
//   node --import tsx scripts/upgrade-ddl.mts
import { readFileSync, writeFileSync } from "node:fs";
import knexFactory, { type Knex } from "knex";
import { startPostgres } from "./postgres.mjs";
import { connect } from "../db/index";
import { SQL } from "../db/migrations/0001_lamindb_0193_squashed.sql";
import { introspect, type Schema } from "../test/helpers/introspect";

interface Statement {
  sql: string;
  table?: string;
  name?: string;
  kind: "table" | "constraint" | "index" | "other";
}

/** The frozen 0001 SQL split into statements, each tagged with its table and object name. */
function statements(sql: string): Statement[] {
  const out: Statement[] = [];
  let buffer = "";
  let dollar = false;
  for (const line of sql.split("\n")) {
    if (!buffer && (line.startsWith("--") || !line.trim())) continue;
    buffer += line + "\n";
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) dollar = !dollar;
    if (!dollar && line.trimEnd().endsWith(";")) {
      const s = buffer.trim();
      buffer = "";
      let m: RegExpExecArray | null;
      if ((m = /^CREATE TABLE "(\w+)"/.exec(s))) out.push({ sql: s, table: m[1], kind: "table" });
      else if ((m = /^ALTER TABLE "?(\w+)"?\s+ADD CONSTRAINT "?(\w+)"?/.exec(s)))
        out.push({ sql: s, table: m[1], name: m[2], kind: "constraint" });
      else if ((m = /^CREATE (?:UNIQUE )?INDEX "(\w+)" ON "(\w+)"/.exec(s)))
        out.push({ sql: s, table: m[2], name: m[1], kind: "index" });
      else out.push({ sql: s, kind: "other" });
    }
  }
  return out;
}

const withoutName = (def: string, name: string) => def.replace(` ${name} ON `, " ? ON ");

function diff(old: Schema, fresh: Schema, frozen: Statement[]): string[] {
  const sql: string[] = [];
  const created = new Set<string>();
  const ddl = (kind: Statement["kind"], table: string, name?: string) => {
    const s = frozen.find((x) => x.kind === kind && x.table === table && x.name === name);
    if (!s) throw new Error(`no ${kind} ${table} ${name} in the frozen SQL`);
    return s.sql;
  };
  // tables LaminDB has and the earlier layout did not, with their own constraints and indexes
  for (const [table, t] of fresh.tables) {
    if (!table.startsWith("lamindb_") || old.tables.has(table)) continue;
    created.add(table);
    sql.push(ddl("table", table));
    for (const c of t.constraints)
      if (c.type !== "f" && c.type !== "p" && !/_key$/.test(c.name) && !/_type_is_valid_fk$/.test(c.name))
        sql.push(ddl("constraint", table, c.name));
    for (const i of t.indexes) sql.push(ddl("index", table, i.name));
  }
  const renames: string[] = [];
  const additions: string[] = [];
  const defaults: string[] = [];
  const typeChecks: Array<{ table: string; name: string }> = [];
  const renamedFrom = new Set<string>();
  const dangling: string[] = [];
  for (const [table, t] of fresh.tables) {
    if (!table.startsWith("lamindb_")) continue;
    const o = old.tables.get(table);
    if (created.has(table)) {
      for (const c of t.constraints.filter((x) => x.type === "f"))
        additions.push(ddl("constraint", table, c.name));
      for (const c of t.constraints.filter((x) => /_type_is_valid_fk$/.test(x.name)))
        typeChecks.push({ table, name: c.name });
      continue;
    }
    if (!o) throw new Error(`${table} missing`);
    for (const c of t.columns) {
      const x = o.columns.find((y) => y.column === c.column);
      if (!x) throw new Error(`${table}.${c.column}: column missing in the earlier layout`);
      if (
        x.dataType !== c.dataType ||
        x.maxLength !== c.maxLength ||
        x.nullable !== c.nullable ||
        x.identity !== c.identity
      )
        throw new Error(`${table}.${c.column}: ${JSON.stringify(x)} vs ${JSON.stringify(c)}`);
      if (x.default !== c.default)
        defaults.push(
          c.default === null
            ? `ALTER TABLE "${table}" ALTER COLUMN "${c.column}" DROP DEFAULT;`
            : `ALTER TABLE "${table}" ALTER COLUMN "${c.column}" SET DEFAULT ${c.default};`,
        );
    }
    for (const c of t.constraints) {
      if (o.constraints.some((x) => x.name === c.name && x.definition === c.definition)) continue;
      if (/_type_is_valid_fk$/.test(c.name)) {
        typeChecks.push({ table, name: c.name });
        continue;
      }
      const same = o.constraints.find((x) => x.type === c.type && x.definition === c.definition);
      const newTarget = /REFERENCES (\w+)\(/.exec(c.definition)?.[1];
      if (c.type === "f" && newTarget && created.has(newTarget)) {
        // the earlier layout kept this column without its table: whatever it holds points nowhere
        const column = /FOREIGN KEY \((\w+)\)/.exec(c.definition)![1];
        dangling.push(`UPDATE "${table}" SET "${column}" = NULL WHERE "${column}" IS NOT NULL;`);
      }
      if (same) {
        renames.push(`ALTER TABLE "${table}" RENAME CONSTRAINT "${same.name}" TO "${c.name}";`);
        renamedFrom.add(same.name);
      } else additions.push(ddl("constraint", table, c.name));
    }
    for (const i of t.indexes) {
      if (o.indexes.some((x) => x.name === i.name && x.definition === i.definition)) continue;
      const same = o.indexes.find(
        (x) => withoutName(x.definition, x.name) === withoutName(i.definition, i.name),
      );
      if (same) {
        renames.push(`ALTER INDEX "${same.name}" RENAME TO "${i.name}";`);
        renamedFrom.add(same.name);
      } else if (/_(trgm|lower_prefix)$/.test(i.name)) throw new Error(`project index ${i.name} missing`);
      else additions.push(ddl("index", table, i.name));
    }
    // what the earlier layout has and LaminDB does not: only this project's own objects may remain
    for (const x of o.constraints)
      if (!t.constraints.some((c) => c.name === x.name) && !renamedFrom.has(x.name))
        throw new Error(`${table}: the earlier layout's constraint ${x.name} has no counterpart`);
    for (const x of o.indexes)
      if (
        !t.indexes.some((i) => i.name === x.name) &&
        !renamedFrom.has(x.name) &&
        !/_(trgm|lower_prefix)$/.test(x.name)
      )
        throw new Error(`${table}: the earlier layout's index ${x.name} has no counterpart`);
  }
  const other = frozen.filter((s) => s.kind === "other");
  const functionsAndTriggers = other.filter((s) =>
    /^(CREATE OR REPLACE FUNCTION|CREATE\s+TRIGGER|COMMENT ON TRIGGER)/.test(s.sql),
  );
  const djangoTable = frozen.find((s) => s.kind === "table" && s.table === "django_migrations")!;
  const djangoRows = other.find((s) => s.sql.startsWith('INSERT INTO "django_migrations"'))!;
  const checks = frozen.filter(
    (s) => s.kind === "constraint" && typeChecks.some((c) => c.table === s.table && c.name === s.name),
  );
  return [
    "-- Django's migration bookkeeping, as LaminDB's migrate leaves it",
    djangoTable.sql,
    djangoRows.sql,
    "",
    "-- LaminDB's tables the earlier layout did not have",
    ...sql,
    "",
    "-- Constraint and index names as Django gives them",
    ...renames,
    "",
    "-- Defaults as Django spells them",
    ...defaults,
    "",
    "-- Foreign keys and indexes the earlier layout lacked (to and from the new tables)",
    ...dangling,
    ...additions,
    "",
    "-- LaminDB's PostgreSQL functions and triggers (RunPython(apply_constraints), django-pgtrigger)",
    ...functionsAndTriggers.map((s) => s.sql),
    "",
    "-- The type checks: rows written before them are checked when possible, never refused (a record",
    "-- typed by a non-type stays; the check holds for every later write)",
    ...checks.map((s) => s.sql.replace(/;\s*$/, " NOT VALID;")),
    ...checks.map(
      (s) =>
        `DO $$ BEGIN ALTER TABLE ${s.table} VALIDATE CONSTRAINT ${s.name}; EXCEPTION WHEN check_violation THEN NULL; END $$;`,
    ),
    "",
    "-- lamindb-setup's initial records carry descriptions LaminDB looks them up by",
    `UPDATE "lamindb_space" SET "description" = 'Every team & user with access to the instance has access.' WHERE "uid" = 'aaaaaaaaaaaa' AND "description" IS NULL;`,
    `UPDATE "lamindb_branch" SET "description" = 'The trash.' WHERE "id" = -1 AND "uid" = 'tttttttttttt' AND "description" IS NULL;`,
    `UPDATE "lamindb_branch" SET "description" = 'The archive.' WHERE "id" = 0 AND "uid" = 'aaaaaaaaaaaa' AND "description" IS NULL;`,
    `UPDATE "lamindb_branch" SET "description" = 'The main & default branch of the instance.' WHERE "id" = 1 AND "uid" = 'mmmmmmmmmmmm' AND "description" IS NULL;`,
  ];
}

async function load(url: string, file: string): Promise<Knex> {
  const knex = knexFactory({ client: "pg", connection: url });
  await knex.raw(readFileSync(file, "utf8"));
  return knex;
}

const pg = await startPostgres({ dedicated: true });
try {
  const admin = knexFactory({ client: "pg", connection: pg.url });
  await admin.raw("CREATE DATABASE earlier");
  await admin.raw("CREATE DATABASE fresh");
  await admin.destroy();
  const at = (db: string) => pg.url.replace(/\/[^/]*$/, `/${db}`);
  const earlier = await load(at("earlier"), "test/fixtures/lamin-vscode-0004/postgres.sql");
  const fresh = await connect({ url: at("fresh"), setDefault: false });
  const lines = diff(await introspect(earlier), await introspect(fresh.knex), statements(SQL));
  const body = lines.join("\n");
  if (body.includes("`") || body.includes("${")) throw new Error("the SQL must fit a String.raw template");
  writeFileSync(
    "db/migrations/upgrade-0001_initial.sql.ts",
    "// Generated by scripts/upgrade-ddl.mts: what turns this project's earlier layout (0001_initial to\n" +
      "// 0004_search_documents) into LaminDB's 0193_squashed schema. A frozen snapshot, never edited.\n\n" +
      "export const UPGRADE_SQL = String.raw`\n" +
      body +
      "\n`;\n",
  );
  console.log(`${lines.length} lines written`);
  await earlier.destroy();
  await fresh.close();
} finally {
  await pg.stop();
}
