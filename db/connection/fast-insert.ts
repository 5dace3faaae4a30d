// The hot path of save(): one INSERT ... RETURNING * straight on a pooled connection, as a named
// prepared statement on a direct connection to PostgreSQL (parsed and planned once per connection;
// an INSERT's plan does not depend on its values).
import type { Knex } from "knex";
import { ident } from "../query/compile";
import { queryPooled } from "./pooled-query";

const statements = new Map<string, string>();

function statementFor(table: string, columns: string[]): string {
  const key = `${table}\u0000${columns.join("\u0000")}`;
  let text = statements.get(key);
  if (!text) {
    text =
      columns.length === 0
        ? `INSERT INTO ${ident(table)} DEFAULT VALUES RETURNING *`
        : `INSERT INTO ${ident(table)} (${columns.map(ident).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING *`;
    statements.set(key, text);
  }
  return text;
}

export async function insertReturning(
  knex: Knex,
  namedStatements: boolean,
  table: string,
  row: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const columns = Object.keys(row);
  const rows = await queryPooled(
    knex,
    statementFor(table, columns),
    columns.map((c) => row[c]),
    namedStatements,
  );
  return rows[0];
}
