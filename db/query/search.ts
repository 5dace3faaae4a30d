// search(): LaminDB's rule-based ranking (query_manager.py, PR #2163), summed over the searched
// fields: exact +200, synonym +200, sub-phrase +10, token prefix +8, after space or pipe +2, before a
// delimiter or the end +2, contains +1. Candidates come from a trigram index over the registry's
// search document (migration 0004), so a rare term over a million rows reads few rows.
import { InvalidArgument, FieldError } from "../errors";
import { fieldOf, queryableNames } from "../schema/catalog";
import type { FieldSpec, ModelSpec } from "../schema/fields";
import type { QuerySet } from "./queryset";
import { likeEscape, sql, type Fragment } from "./sql";

export interface SearchOptions {
  field?: string | string[];
  limit?: number | null;
  case_sensitive?: boolean;
}

/** The fields search() reads by default: every char and text field, uid and private ones included. */
export function searchFields(model: ModelSpec): FieldSpec[] {
  return model.fields.filter((f) => f.type === "char" || f.type === "text");
}

/** The expression the 0004 migration indexes: the searched fields joined by a unit separator. */
export function searchDocument(model: ModelSpec, alias?: string): Fragment {
  const ref = (c: string) => (alias ? sql.col(alias, c) : sql.ident(c));
  return sql.join(
    searchFields(model).map((f) => sql`coalesce(${ref(f.column)}::text, '')`),
    sql` || E'\\x1f' || `,
  );
}

/** Escapes every non-alphanumeric character, which PostgreSQL's regular expressions then read literally. */
export function escapeRegex(s: string): string {
  return s.replace(/[^0-9A-Za-z]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

const RULES: Array<{ points: Fragment; pattern: (s: string) => string }> = [
  { points: sql`200`, pattern: (s) => `(?:^|.*\\|)${s}(?:\\|.*|$)` }, // one of the pipe-separated synonyms
  { points: sql`10`, pattern: (s) => `(?:^|.*[ \\|\\.,;:])${s}(?:[ \\|\\.,;:].*|$)` }, // a sub-phrase
  { points: sql`8`, pattern: (s) => `(?:^|.*\\|)${s}[^ ]*(?:\\|.*|$)` }, // a token prefix
  { points: sql`2`, pattern: (s) => `(?:^|.*[ \\|])${s}.*` }, // after a space or pipe
  { points: sql`2`, pattern: (s) => `.*${s}(?:$|[ \\|\\.,;:].*)` }, // before a delimiter or the end
];

/**
 * The columns migration 0002 gives a lower() prefix index (btree, text_pattern_ops), by table: what a
 * term too short for trigrams is looked up through.
 */
const PREFIX_INDEXED: Readonly<Record<string, string>> = {
  lamindb_ulabel: "name",
  lamindb_record: "name",
  lamindb_project: "name",
  lamindb_feature: "name",
  lamindb_transform: "key",
  lamindb_artifact: "key",
};

/** Trigrams need three characters: a shorter term cannot narrow the candidates through them. */
const SHORT_TERM = 2;
/** How many prefix matches, in index order, a short term ranks (docs/data-model.md, "search()"). */
export const SHORT_TERM_CANDIDATES = 1000;

export function searchQuery<T>(qs: QuerySet<T>, string: string, options: SearchOptions = {}): QuerySet<T> {
  if (typeof string !== "string") throw new InvalidArgument("search() needs a string");
  const model = qs.registry.spec;
  const s = string.trim();
  if (s.includes("\u0000")) throw new InvalidArgument("search strings cannot contain NUL characters");
  const names =
    options.field === undefined ? undefined : Array.isArray(options.field) ? options.field : [options.field];
  const fields = names
    ? names.map((n) => {
        const f = fieldOf(model, n);
        if (!f || (f.type !== "char" && f.type !== "text")) {
          throw FieldError.unknown(
            n,
            searchFields(model).map((x) => x.name),
            model.name,
          );
        }
        return f;
      })
    : searchFields(model);
  if (fields.length === 0) throw FieldError.unknown("(text field)", queryableNames(model), model.name);
  const cs = options.case_sensitive === true;
  const limit = options.limit === undefined ? 20 : options.limit;
  const re = escapeRegex(s);
  const contains = `%${likeEscape(s)}%`;
  const op = cs ? sql`~` : sql`~*`;
  const like = cs ? sql`LIKE` : sql`ILIKE`;

  const score = (alias: string): Fragment => {
    const terms: Fragment[] = [];
    for (const f of fields) {
      const v = sql`coalesce(${sql.col(alias, f.column)}::text, '')`;
      terms.push(
        cs
          ? sql`CASE WHEN ${v} = ${s} THEN 200 ELSE 0 END`
          : sql`CASE WHEN lower(${v}) = lower(${s}) THEN 200 ELSE 0 END`,
      );
      for (const r of RULES)
        terms.push(sql`CASE WHEN ${v} ${op} ${r.pattern(re)} THEN ${r.points} ELSE 0 END`);
      terms.push(sql`CASE WHEN ${v} ${like} ${contains} ESCAPE '\\' THEN 1 ELSE 0 END`);
    }
    return sql.join(terms, sql` + `);
  };
  // A one- or two-letter term (the search box's first keystrokes) would rank every row that contains it:
  // it ranks the first matches of the name's (or key's) prefix index instead, in index order, where an
  // exact match comes first and then "term<space>…" sub-phrases. Not with limit: null (all results).
  const prefixColumn = PREFIX_INDEXED[model.table];
  const prefixField = prefixColumn ? model.fields.find((f) => f.column === prefixColumn) : undefined;
  const short =
    s.length > 0 &&
    [...s].length <= SHORT_TERM &&
    limit !== null &&
    prefixField !== undefined &&
    fields.includes(prefixField);
  const candidates = (alias: string): Fragment => {
    if (short) {
      const col = sql.ident(prefixField.column);
      const prefix = `${likeEscape(s.toLowerCase())}%`;
      const exact = cs ? sql` AND ${col} LIKE ${`${likeEscape(s)}%`} ESCAPE '\\'` : sql``;
      return sql`${sql.col(alias, "id")} IN (SELECT "id" FROM ${sql.ident(model.table)} WHERE lower(${col}) LIKE ${prefix} ESCAPE '\\'${exact} ORDER BY lower(${col}) USING ~<~ LIMIT ${SHORT_TERM_CANDIDATES})`;
    }
    // the whole search document: one trigram index serves every field
    if (!names) return sql`(${searchDocument(model, alias)}) ${like} ${contains} ESCAPE '\\'`;
    return sql.or(fields.map((f) => sql`${sql.col(alias, f.column)} ${like} ${contains} ESCAPE '\\'`));
  };
  let out = qs.annotate({ name: "score", expr: score }, candidates).orderBy("-score");
  if (limit !== null) out = out.limit(limit);
  return out;
}
