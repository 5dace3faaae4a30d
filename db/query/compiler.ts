// Compiles a Query (query.ts) on a model to SQL, as Django's SQLCompiler does: the WHERE clause
// (filters, excludes, LaminDB's branch scoping, a related manager's owner) and the SELECT around it.
// Statements built elsewhere (typeahead, QuerySet.delete(), the server's transform keys) start from
// compileWhere() so they scope exactly as the query does.
import { FieldError } from "../errors";
import { MAIN_BRANCH_ID } from "../schema/branches";
import { fieldOf, queryableNames } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { compileNode } from "./compile";
import type { Query } from "./query";
import { Aliases, sql, type Fragment } from "./sql";

/** The column an order_by name sorts by (an annotation's own name, a field's or a foreign key's column). */
export function orderColumn(model: ModelSpec, query: Query, name: string): string {
  const bare = name.startsWith("-") ? name.slice(1) : name;
  if (query.annotations.some((a) => a.name === bare)) return bare;
  const field = fieldOf(model, bare);
  const fk = model.foreignKeys.find((x) => x.column === bare || x.name === bare);
  if (!field && !fk) throw FieldError.unknown(bare, queryableNames(model), model.name);
  return field ? field.column : fk!.column;
}

/** The WHERE clause over a fresh alias of the model's table. */
export function compileWhere(
  model: ModelSpec,
  query: Query,
  aliases = new Aliases(),
): { alias: string; where: Fragment } {
  const alias = aliases.next();
  const ctx = { aliases };
  const parts: Fragment[] = [];
  for (const n of query.filters) parts.push(compileNode(model, alias, n, ctx));
  for (const n of query.excludes) parts.push(sql`(${compileNode(model, alias, n, ctx)}) IS NOT TRUE`);
  for (const r of query.raw) parts.push(r(alias));
  const hasBranch = model.foreignKeys.some((fk) => fk.name === "branch");
  if (query.scoped && hasBranch) {
    // LaminDB's default scoping: the trash (-1) and the archive (0) are hidden
    parts.push(sql`${sql.col(alias, "branch_id")} IN (${MAIN_BRANCH_ID})`);
  }
  const via = query.via;
  if (via) {
    const r = via.relation;
    if (r.kind === "reverse") parts.push(sql`${sql.col(alias, r.targetColumn)} = ${via.ownerId}`);
    else if (r.kind === "m2m") {
      const l = aliases.next();
      parts.push(
        sql`EXISTS (SELECT 1 FROM ${sql.ident(r.link.table)} ${sql.ident(l)} WHERE ${sql.col(l, r.targetColumn)} = ${sql.col(alias, "id")} AND ${sql.col(l, r.sourceColumn)} = ${via.ownerId})`,
      );
    } else {
      throw new Error(`internal: ${r.name} is a to-one relation`);
    }
  }
  return { alias, where: sql.and(parts) };
}

export interface SelectOptions {
  /** Replaces the row and the annotations (count, exists). */
  columns?: Fragment;
  /** Replaces only `t0.*`. */
  rowColumns?: (alias: string) => Fragment[];
  /** Adds columns after the row and the annotations. */
  extra?: (alias: string, aliases: Aliases) => Fragment[];
}

/** SELECT of whole rows with annotations, order, limit and offset. */
export function compileSelect(model: ModelSpec, query: Query, options: SelectOptions = {}): Fragment {
  const aliases = new Aliases();
  const { alias, where } = compileWhere(model, query, aliases);
  const rowColumns = options.rowColumns?.(alias) ?? [];
  const row = rowColumns.length ? sql.join(rowColumns) : sql`${sql.ident(alias)}.*`;
  const selects: Fragment[] = [options.columns ?? row];
  if (!options.columns) {
    for (const a of query.annotations) selects.push(sql`(${a.expr(alias)}) AS ${sql.ident(a.name)}`);
  }
  selects.push(...(options.extra?.(alias, aliases) ?? []));
  const order = query.order.map((f) => {
    const c = orderColumn(model, query, f);
    const dir = f.startsWith("-") ? sql`DESC` : sql`ASC`;
    const by = query.annotations.some((a) => a.name === c) ? sql.ident(c) : sql.col(alias, c);
    return sql`${by} ${dir}`;
  });
  const distinct = query.distinct && !options.columns ? sql`DISTINCT ` : sql``;
  let statement = sql`SELECT ${distinct}${sql.join(selects)} FROM ${sql.ident(model.table)} ${sql.ident(alias)} WHERE ${where}`;
  if (order.length) statement = sql`${statement} ORDER BY ${sql.join(order)}`;
  if (query.limit !== undefined) statement = sql`${statement} LIMIT ${query.limit}`;
  if (query.offset !== undefined) statement = sql`${statement} OFFSET ${query.offset}`;
  return statement;
}
