// The hot path of save(): one INSERT ... RETURNING * straight on a pooled connection, as a named
// prepared statement on a direct connection to PostgreSQL (parsed and planned once per connection; an INSERT's plan does
// not depend on its values). The statement's text is built once per table and column set.
import { sql } from "../query/sql";
import type { StatementRunner } from "./pooled-query";

const statements = new Map<string, string>();

function statementFor(table: string, columns: string[]): string {
  const key = `${table}\u0000${columns.join("\u0000")}`;
  let text = statements.get(key);
  if (!text) {
    const t = sql.ident(table);
    const insert =
      columns.length === 0
        ? sql`INSERT INTO ${t} DEFAULT VALUES RETURNING *`
        : sql`INSERT INTO ${t} (${sql.join(columns.map(sql.ident))}) VALUES (${sql.list(columns)}) RETURNING *`;
    text = insert.toPositional().text;
    statements.set(key, text);
  }
  return text;
}

const first = (rows: Array<Record<string, unknown>>) => rows[0];

// not async: save()'s chain of promises is part of what it costs over the bare INSERT
export function insertReturning(
  statements: StatementRunner,
  table: string,
  row: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const columns = Object.keys(row);
  return statements
    .query({ text: statementFor(table, columns), values: columns.map((c) => row[c]) }, { prepare: true })
    .then(first);
}
