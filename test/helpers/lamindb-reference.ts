// What a LaminDB instance looks like on PostgreSQL, derived from LaminDB's own model listing
// (test/fixtures/lamindb-schema.txt, parsed from LaminDB's squashed migration 0193) with the rules of
// Django 5.2's PostgreSQL schema editor: column types, identity primary keys, db_default, inline
// UNIQUE (PostgreSQL names it <table>_<column>_key), unique_together constraints and field indexes
// named <table>_<columns>_<md5 digest><suffix>, *_like pattern indexes beside indexed text columns,
// deferrable foreign keys, Django's auto-created many-to-many tables. The schema test compares a
// database with this, not with this project's own declarations or migrations.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ExpectedColumn {
  column: string;
  dataType: string; // information_schema data_type
  maxLength: number | null;
  nullable: boolean;
  /** The default as PostgreSQL prints it (pg_get_expr), null for none. */
  default: string | null;
  identity: boolean;
}

export interface ExpectedConstraint {
  name: string;
  /** pg_get_constraintdef() */
  definition: string;
}

export interface ExpectedIndex {
  name: string;
  /** pg_get_indexdef() */
  definition: string;
}

export interface ExpectedTable {
  model: string;
  table: string;
  /** In column order (attnum), as Django creates them: CreateModel's fields, then AddField's. */
  columns: ExpectedColumn[];
  /** Primary key, unique and check constraints. */
  constraints: ExpectedConstraint[];
  foreignKeys: ExpectedConstraint[];
  /** Indexes that back no constraint. */
  indexes: ExpectedIndex[];
  /** Auto-created many-to-many table (lamindb_<model>_<field>). */
  autoCreated: boolean;
}

const PK_TYPES: Record<string, string> = {
  AutoField: "integer",
  BigAutoField: "bigint",
  SmallAutoField: "smallint",
};
const DATA_TYPES: Record<string, string> = {
  ...PK_TYPES,
  CharField: "character varying",
  URLField: "character varying",
  TextField: "text",
  BooleanField: "boolean",
  DateTimeField: "timestamp with time zone",
  DateField: "date",
  JSONField: "jsonb",
  SmallIntegerField: "smallint",
  IntegerField: "integer",
  BigIntegerField: "bigint",
};
const FORMAT_TYPES: Record<string, string> = { "character varying": "character varying" };

/** Django's names_digest(): md5 over the names, hex, first `length` characters. */
export function namesDigest(names: string[], length = 8): string {
  const h = createHash("md5");
  for (const n of names) h.update(n);
  return h.digest("hex").slice(0, length);
}

/** Django's BaseDatabaseSchemaEditor._create_index_name() with PostgreSQL's 63-byte names. */
export function djangoIndexName(table: string, columns: string[], suffix = ""): string {
  const max = 63;
  let hashSuffix = `${namesDigest([table, ...columns])}${suffix}`;
  let name = `${table}_${columns.join("_")}_${hashSuffix}`;
  if (name.length <= max) return name;
  if (hashSuffix.length > max / 3) hashSuffix = hashSuffix.slice(0, Math.floor(max / 3));
  const other = Math.floor((max - hashSuffix.length) / 2) - 1;
  name = `${table.slice(0, other)}_${columns.join("_").slice(0, other)}_${hashSuffix}`;
  if (name[0] === "_" || /[0-9]/.test(name[0])) name = `D${name.slice(0, -1)}`;
  return name;
}

interface Field {
  name: string;
  type: string;
  args: string;
}

interface ModelDef {
  name: string; // lowercase model name
  table: string;
  fields: Field[];
  lines: string[];
}

const arg = (args: string, key: string): string | undefined => {
  const m = new RegExp(`(?:^|[ (,])${key}=('[^']*'|[\\w.\\-]+\\(\\)|[\\w.\\-]+)`).exec(args);
  return m?.[1];
};
const flag = (args: string, key: string) => arg(args, key) === "True";
const target = (args: string) => /to='lamindb\.(\w+)'/.exec(args)![1].toLowerCase();

/** The default PostgreSQL prints for Django's db_default on a column of this type. */
function defaultOf(dbDefault: string | undefined, dataType: string): string | null {
  if (dbDefault === undefined || dbDefault === "None") return null;
  if (dbDefault === "Now()") return "statement_timestamp()";
  if (dbDefault === "True" || dbDefault === "False") return dbDefault.toLowerCase();
  if (/^-\d+$/.test(dbDefault)) return `'${dbDefault}'::integer`;
  if (/^\d+$/.test(dbDefault)) return dbDefault;
  if (dbDefault.startsWith("'")) return `${dbDefault}::${FORMAT_TYPES[dataType] ?? dataType}`;
  throw new Error(`unexpected db_default ${dbDefault}`);
}

function readModels(): Map<string, ModelDef> {
  const text = readFileSync(join(__dirname, "..", "fixtures", "lamindb-schema.txt"), "utf8");
  const models = new Map<string, ModelDef>();
  for (const section of text.split(/\n(?=## )/)) {
    const m = /^## (\w+)\s+\(table (\w+)\)/.exec(section.trim());
    if (!m) continue;
    const lines = section.split("\n").slice(1);
    const fields: Field[] = [];
    for (const line of lines) {
      const f = /^\s+(\w+): (\w+)\((.*)\)\s*$/.exec(line);
      if (f) fields.push({ name: f[1], type: f[2], args: f[3] });
    }
    const options = lines.find((l) => l.includes("+ options:")) ?? "";
    const dbTable = /'db_table': '(\w+)'/.exec(options)?.[1];
    models.set(m[1].toLowerCase(), { name: m[1], table: dbTable ?? m[2], fields, lines });
  }
  return models;
}

const isRelation = (f: Field) => f.type === "ForeignKey" || f.type === "OneToOneField";
const columnOf = (f: Field) => (isRelation(f) ? `${f.name}_id` : f.name);

function tuples(text: string): string[][] {
  return [...text.matchAll(/\(([^()]*)\)/g)].map((t) =>
    t[1]
      .split(",")
      .map((s) => s.trim().replace(/'/g, ""))
      .filter(Boolean),
  );
}

/** Every table a LaminDB instance has (85 at 0193_squashed), keyed by table name. */
export function readLaminDBSchema(): Map<string, ExpectedTable> {
  const models = readModels();
  const pkType = (model: string): string => {
    const id = models.get(model)!.fields.find((f) => f.name === "id")!;
    return PK_TYPES[id.type];
  };
  const out = new Map<string, ExpectedTable>();

  const build = (model: ModelDef, autoCreated: boolean): ExpectedTable => {
    const t: ExpectedTable = {
      model: model.name,
      table: model.table,
      columns: [],
      constraints: [],
      foreignKeys: [],
      indexes: [],
      autoCreated,
    };
    const index = (columns: string[], suffix = "", opclass = "") => {
      const name = djangoIndexName(model.table, columns, suffix);
      const cols = columns.map((c) => (opclass ? `${c} ${opclass}` : c)).join(", ");
      t.indexes.push({
        name,
        definition: `CREATE INDEX ${name} ON public.${model.table} USING btree (${cols})`,
      });
    };
    for (const f of model.fields) {
      if (f.type === "ManyToManyField") continue;
      const column = columnOf(f);
      const primary = flag(f.args, "primary_key");
      const unique = !primary && (flag(f.args, "unique") || f.type === "OneToOneField");
      if (isRelation(f)) {
        const to = models.get(target(f.args))!;
        t.columns.push({
          column,
          dataType: pkType(target(f.args)),
          maxLength: null,
          nullable: flag(f.args, "null"),
          default: defaultOf(arg(f.args, "db_default"), pkType(target(f.args))),
          identity: false,
        });
        const fk = djangoIndexName(model.table, [column], `_fk_${to.table}_id`);
        t.foreignKeys.push({
          name: fk,
          definition: `FOREIGN KEY (${column}) REFERENCES ${to.table}(id) DEFERRABLE INITIALLY DEFERRED`,
        });
        if (unique)
          t.constraints.push({ name: `${model.table}_${column}_key`, definition: `UNIQUE (${column})` });
        else if (arg(f.args, "db_index") !== "False") index([column]);
        continue;
      }
      const dataType = DATA_TYPES[f.type];
      if (!dataType) throw new Error(`unknown Django field type ${f.type} in ${model.name}.${f.name}`);
      const maxLength = arg(f.args, "max_length") ?? (f.type === "URLField" ? "200" : undefined);
      t.columns.push({
        column,
        dataType,
        maxLength: maxLength ? Number(maxLength) : null,
        nullable: flag(f.args, "null"),
        default: defaultOf(arg(f.args, "db_default"), dataType),
        identity: primary,
      });
      if (primary) t.constraints.push({ name: `${model.table}_pkey`, definition: `PRIMARY KEY (${column})` });
      if (unique)
        t.constraints.push({ name: `${model.table}_${column}_key`, definition: `UNIQUE (${column})` });
      const indexed = flag(f.args, "db_index");
      if (indexed && !unique && !primary) index([column]);
      if ((indexed || unique) && !primary && (dataType === "character varying" || dataType === "text"))
        index([column], "_like", dataType === "text" ? "text_pattern_ops" : "varchar_pattern_ops");
    }
    for (const line of model.lines) {
      const ut = /(?:\+ unique_together: |'unique_together': )\{(.*)\}/.exec(line);
      if (ut) {
        for (const names of tuples(ut[1])) {
          const cols = names.map((n) => columnOf(model.fields.find((f) => f.name === n)!));
          t.constraints.push({
            name: djangoIndexName(model.table, cols, "_uniq"),
            definition: `UNIQUE (${cols.join(", ")})`,
          });
        }
      }
      const uc = /\+ AddConstraint: models\.UniqueConstraint\((.*)\)\s*$/.exec(line);
      if (uc) {
        const name = /name='(\w+)'/.exec(uc[1])![1];
        const lower = /functions\.text\.Lower\('(\w+)'\)/.exec(uc[1]);
        if (lower) {
          t.indexes.push({
            name,
            definition: `CREATE UNIQUE INDEX ${name} ON public.${model.table} USING btree (lower((${lower[1]})::text))`,
          });
          continue;
        }
        const names = tuples(/fields=(\([^)]*\))/.exec(uc[1])![1])[0];
        const cols = names.map((n) => columnOf(model.fields.find((f) => f.name === n)!));
        const cond = /condition=models\.Q\(\('(\w+)__isnull', (True|False)\)\)/.exec(uc[1]);
        if (!cond) {
          t.constraints.push({ name, definition: `UNIQUE (${cols.join(", ")})` });
          continue;
        }
        const col = columnOf(model.fields.find((f) => f.name === cond[1])!);
        t.indexes.push({
          name,
          definition:
            `CREATE UNIQUE INDEX ${name} ON public.${model.table} USING btree (${cols.join(", ")}) ` +
            `WHERE (${col} IS ${cond[2] === "True" ? "NULL" : "NOT NULL"})`,
        });
      }
      const cc =
        /\+ AddConstraint: models\.CheckConstraint\(condition=models\.Q\((.*)\), name='(\w+)'\)/.exec(line);
      if (cc) {
        const parts = [...cc[1].matchAll(/\('(\w+)', (True|False)\)/g)].map(([, lookup, v]) =>
          lookup.endsWith("__isnull")
            ? `(${lookup.slice(0, -8)} IS ${v === "True" ? "" : "NOT "}NULL)`
            : lookup,
        );
        if (!/_connector='OR'/.test(cc[1])) throw new Error(`unexpected check ${line}`);
        t.constraints.push({ name: cc[2], definition: `CHECK ((${parts.join(" OR ")}))` });
      }
    }
    return t;
  };

  for (const model of models.values()) {
    if (model.table === "django_migrations") continue; // not managed by LaminDB's migrations
    out.set(model.table, build(model, false));
    // Django creates a table for each many-to-many field without a `through` model.
    for (const f of model.fields) {
      if (f.type !== "ManyToManyField" || /through=/.test(f.args)) continue;
      const to = target(f.args);
      let [a, b] = [model.name.toLowerCase(), to];
      if (a === b) [a, b] = [`from_${a}`, `to_${b}`];
      const auto: ModelDef = {
        name: `${model.name}_${f.name}`,
        table: `${model.table}_${f.name}`,
        fields: [
          { name: "id", type: "BigAutoField", args: "primary_key=True" },
          {
            name: a,
            type: "ForeignKey",
            args: `on_delete=CASCADE, to='lamindb.${model.name.toLowerCase()}'`,
          },
          { name: b, type: "ForeignKey", args: `on_delete=CASCADE, to='lamindb.${to}'` },
        ],
        lines: [`   + unique_together: {('${a}', '${b}')}`],
      };
      out.set(auto.table, build(auto, true));
    }
  }
  for (const t of out.values()) {
    for (const c of [...t.constraints, ...t.indexes, ...t.foreignKeys])
      if (c.name.length > 63) throw new Error(`name longer than PostgreSQL's 63 bytes: ${c.name}`);
  }
  return out;
}

/** django_migrations as Django's MigrationRecorder creates it, from the listing's Migration model. */
export function readDjangoMigrationsTable(): ExpectedColumn[] {
  const migration = readModels().get("migration")!;
  return migration.fields.map((f) => ({
    column: f.name,
    dataType: DATA_TYPES[f.type],
    maxLength: arg(f.args, "max_length") ? Number(arg(f.args, "max_length")) : null,
    nullable: false,
    default: null,
    identity: f.type in PK_TYPES,
  }));
}

// What the listing does not show, taken from LaminDB's lamindb/migrations/0193_squashed.py:

/** The rows `migrate` leaves: every migration 0193_squashed replaces, then 0193_squashed itself. */
export const DJANGO_MIGRATION_ROWS: ReadonlyArray<[string, string]> = [
  "0177_squashed",
  "0177_alter_artifactblock_artifact_and_more",
  "0178_v2_2",
  "0179_v2_2_part_2",
  "0180_v2_2_part_3",
  "0181_v2_2_part_4",
  "0182_v2_2_part_5",
  "0183_v2_2_part_6",
  "0184_alter_transformrecord_feature",
  "0185_alter_runrecord_feature",
  "0186_v2_4",
  "0187_v2_4_part_2",
  "0188_remove_record_prevent_record_type_cycle_and_more",
  "0189_v2_6",
  "0190_v2_6_1",
  "0191_artifactschema_unique_slot_schema",
  "0192_v2_9",
  "0193_v2_9_part_2",
  "0193_squashed",
].map((name) => ["lamindb", name]);

/** RunPython(apply_constraints): type checks through plpgsql functions (PostgreSQL only). */
export const TYPE_CHECKS: ReadonlyArray<{ table: string; name: string; definition: string }> = [
  ["record", "is_valid_record_type(type_id, is_type)"],
  ["feature", "is_valid_feature_type(type_id)"],
  ["schema", "is_valid_schema_type(type_id)"],
  ["project", "is_valid_project_type(type_id)"],
  ["reference", "is_valid_reference_type(type_id)"],
  ["ulabel", "is_valid_ulabel_type(type_id)"],
].map(([model, call]) => ({
  table: `lamindb_${model}`,
  name: `${model}_type_is_valid_fk`,
  definition: `CHECK (${call})`,
}));

/** django-pgtrigger's triggers (PostgreSQL only), each with the hash pgtrigger keeps in its comment. */
export const PGTRIGGERS: ReadonlyArray<{ table: string; name: string; hash: string }> = [
  ["project", "pgtrigger_prevent_project_type_cycle_e2567", "b5b62fdec9b222bc152c2b9937a2676fb653696f"],
  ["record", "pgtrigger_prevent_record_type_cycle_56c18", "4f692c1cc71b0554090ffd4642811a52c6b9941e"],
  ["reference", "pgtrigger_prevent_reference_type_cycle_3d37c", "94bc5e7968664022914905d7390a6935b66b3402"],
  ["schema", "pgtrigger_prevent_schema_type_cycle_b403c", "7f860952cef18f2151e46d0120b5aafdebdbd2be"],
  ["ulabel", "pgtrigger_prevent_ulabel_type_cycle_863ae", "13b2acbebf74a7e04a66723a353d1ab7a2c4c1ad"],
  ["feature", "pgtrigger_prevent_feature_type_cycle_04c90", "be9a630e2ee899846cfe5fcabd64234be4e301db"],
  ["feature", "pgtrigger_update_feature_on_name_change_6c32d", "5f2e7a65e42c34b0455f0840def52f078726e401"],
].map(([model, name, hash]) => ({ table: `lamindb_${model}`, name, hash }));

/** lamindb-setup's register_initial_records() for an anonymous user. */
export const INITIAL_RECORDS = {
  space: [
    {
      id: 1,
      uid: "aaaaaaaaaaaa",
      name: "all",
      description: "Every team & user with access to the instance has access.",
      created_by_id: null,
    },
  ],
  branches: [
    { id: -1, uid: "tttttttttttt", name: "trash", description: "The trash.", created_by_id: 1, space_id: 1 },
    {
      id: 0,
      uid: "aaaaaaaaaaaa",
      name: "archive",
      description: "The archive.",
      created_by_id: 1,
      space_id: 1,
    },
    {
      id: 1,
      uid: "mmmmmmmmmmmm",
      name: "main",
      description: "The main & default branch of the instance.",
      created_by_id: 1,
      space_id: 1,
    },
  ],
  users: [{ id: 1, uid: "00000000", handle: "anonymous", name: null }],
};
