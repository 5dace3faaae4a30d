// Reads LaminDB's own model declarations (test/fixtures/lamindb-schema.txt, parsed from LaminDB's
// squashed migration) and derives the PostgreSQL columns Django would create, so that the schema
// test compares the database with LaminDB rather than with this project's declarations.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ExpectedColumn {
  column: string;
  dataType: string; // information_schema data_type
  maxLength: number | null;
  nullable: boolean;
  hasDefault: boolean;
  unique: boolean;
}

export interface ExpectedTable {
  model: string;
  table: string;
  columns: Map<string, ExpectedColumn>;
  uniqueTogether: string[][];
  foreignKeys: Map<string, string>; // column -> target model (lowercase)
}

const PK_TYPE: Record<string, string> = {
  AutoField: "integer",
  BigAutoField: "bigint",
  SmallAutoField: "smallint",
};
const DATA_TYPE: Record<string, string> = {
  ...PK_TYPE,
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

export function readLaminDBSchema(): Map<string, ExpectedTable> {
  const text = readFileSync(join(__dirname, "..", "fixtures", "lamindb-schema.txt"), "utf8");
  const sections = text.split(/\n(?=## )/);
  const models = new Map<string, { table: string; lines: string[] }>();
  for (const s of sections) {
    const m = /^## (\w+)\s+\(table (\w+)\)/.exec(s.trim());
    if (m) models.set(m[1].toLowerCase(), { table: m[2], lines: s.split("\n").slice(1) });
  }
  const pkType = (model: string): string => {
    const def = models.get(model);
    const line = def?.lines.find((l) => /^\s+id: (\w+)\(/.test(l));
    return PK_TYPE[line ? /^\s+id: (\w+)\(/.exec(line)![1] : "AutoField"] ?? "integer";
  };
  const out = new Map<string, ExpectedTable>();
  for (const [model, def] of models) {
    const t: ExpectedTable = {
      model,
      table: def.table,
      columns: new Map(),
      uniqueTogether: [],
      foreignKeys: new Map(),
    };
    for (const line of def.lines) {
      const field = /^\s+(\w+): (\w+)\((.*)\)\s*$/.exec(line);
      if (field) {
        const [, name, type, args] = field;
        if (type === "ManyToManyField") continue;
        const nullable = /\bnull=True/.test(args);
        const hasDefault = /\bdb_default=(?!None)/.test(args);
        const unique = /\bunique=True/.test(args) || type === "OneToOneField";
        if (type === "ForeignKey" || type === "OneToOneField") {
          const target = /to='lamindb\.(\w+)'/.exec(args)![1];
          t.columns.set(`${name}_id`, {
            column: `${name}_id`,
            dataType: pkType(target),
            maxLength: null,
            nullable,
            hasDefault,
            unique,
          });
          t.foreignKeys.set(`${name}_id`, target);
          continue;
        }
        const dataType = DATA_TYPE[type];
        if (!dataType) throw new Error(`unknown Django field type ${type} in ${model}.${name}`);
        const maxLength = /max_length=(\d+)/.exec(args);
        t.columns.set(name, {
          column: name,
          dataType,
          maxLength: maxLength ? Number(maxLength[1]) : null,
          nullable: nullable,
          hasDefault: hasDefault || /primary_key=True/.test(args),
          unique: unique || /primary_key=True/.test(args),
        });
        continue;
      }
      const ut = /unique_together: \{(.*)\}/.exec(line);
      if (ut) {
        for (const tuple of ut[1].matchAll(/\(([^)]*)\)/g)) {
          t.uniqueTogether.push(
            tuple[1]
              .split(",")
              .map((s) => s.trim().replace(/'/g, ""))
              .filter(Boolean),
          );
        }
      }
    }
    out.set(def.table, t);
  }
  return out;
}

/** Django's auto many-to-many tables: (id bigint, <a>_id, <b>_id), unique over the pair. */
export function autoLinkTable(table: string, a: [string, string], b: [string, string]): ExpectedTable {
  const columns = new Map<string, ExpectedColumn>();
  columns.set("id", {
    column: "id",
    dataType: "bigint",
    maxLength: null,
    nullable: false,
    hasDefault: true,
    unique: true,
  });
  for (const [col, type] of [a, b]) {
    columns.set(col, {
      column: col,
      dataType: type,
      maxLength: null,
      nullable: false,
      hasDefault: false,
      unique: false,
    });
  }
  return { model: table, table, columns, uniqueTogether: [[a[0], b[0]]], foreignKeys: new Map() };
}
