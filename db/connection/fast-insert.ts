// The hot path of save(): one INSERT ... RETURNING * straight on a pooled connection, as a named
// prepared statement on a direct connection to PostgreSQL (parsed and planned once per connection; an INSERT's plan does
// not depend on its values). The statement's text is built once per table and column set.
import { sql } from "../query/sql";
import type { StatementRunner } from "./pooled-query";

/** Per table, the statements built so far with their columns: one or two column sets each, compared
 * element by element (cheaper per save than building a string key to look up). */
const statements = new Map<string, Array<{ columns: string[]; text: string }>>();

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function statementFor(table: string, columns: string[]): string {
  let built = statements.get(table);
  if (!built) statements.set(table, (built = []));
  for (const s of built) if (sameColumns(s.columns, columns)) return s.text;
  const t = sql.ident(table);
  const insert =
    columns.length === 0
      ? sql`INSERT INTO ${t} DEFAULT VALUES RETURNING *`
      : sql`INSERT INTO ${t} (${sql.join(columns.map(sql.ident))}) VALUES (${sql.list(columns)}) RETURNING *`;
  const text = insert.toPositional().text;
  built.push({ columns, text });
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
