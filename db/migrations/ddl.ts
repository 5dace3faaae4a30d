// Column types of the model declarations, as PostgreSQL reports them. The migrations themselves are
// frozen SQL and use none of this; the query layer and the schema test do.
import type { FieldSpec, ForeignKeySpec } from "../schema/fields";
import { primaryKey, spec } from "../schema/catalog";

const PG_TYPE: Record<FieldSpec["type"], string> = {
  auto: "integer",
  bigauto: "bigint",
  smallauto: "smallint",
  char: "character varying",
  text: "text",
  bool: "boolean",
  datetime: "timestamp with time zone",
  date: "date",
  json: "jsonb",
  smallint: "smallint",
  int: "integer",
  bigint: "bigint",
};

/** The SQL type of a column, as information_schema reports it (data_type). */
export function sqlType(type: FieldSpec["type"]): string {
  return PG_TYPE[type];
}

/** A foreign key column has the type of the target's primary key. */
export function foreignKeyType(fk: ForeignKeySpec): FieldSpec["type"] {
  const t = primaryKey(spec(fk.target)).type;
  return t === "auto" ? "int" : t === "bigauto" ? "bigint" : t === "smallauto" ? "smallint" : t;
}
