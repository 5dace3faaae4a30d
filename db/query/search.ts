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
export const SHORT_TERM_CANDIDATES = 200;
/** How many of the rows that contain a longer term it ranks, besides the name's prefix matches. */
export const SEARCH_CANDIDATES = 300;
/** "term" followed by one of these is a synonym or sub-phrase of the name: LaminDB's high scores. */
const PREFIX_DELIMITERS = ["|", " ", ".", ",", ";", ":"];

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
    const perField: Fragment[] = [];
    for (const f of fields) {
      const v = sql`coalesce(${sql.col(alias, f.column)}::text, '')`;
      const terms: Fragment[] = [
        cs
          ? sql`CASE WHEN ${v} = ${s} THEN 200 ELSE 0 END`
          : sql`CASE WHEN lower(${v}) = lower(${s}) THEN 200 ELSE 0 END`,
      ];
      for (const r of RULES)
        terms.push(sql`CASE WHEN ${v} ${op} ${r.pattern(re)} THEN ${r.points} ELSE 0 END`);
      // every rule needs the term inside the value: a field without it (most of them, and NULLs) scores
      // 0 after one LIKE instead of six regular expressions
      perField.push(
        sql`CASE WHEN ${v} ${like} ${contains} ESCAPE '\\' THEN 1 + ${sql.join(terms, sql` + `)} ELSE 0 END`,
      );
    }
    return sql.join(perField, sql` + `);
  };
  // With a limit (20 by default), a term found in many rows ranks a bounded set of candidates rather
  // than every row that contains it (docs/data-model.md, "search()"): what the search box's first
  // keystrokes and common terms cost over a million records. The name's (key's) prefix index gives the
  // rows that score highest there: the exact match, then "term|...", "term<delimiter>...", read as
  // index range scans. A one- or two-letter term (too short for trigrams) adds the first prefix matches
  // in index order; a longer one the first SEARCH_CANDIDATES rows that contain it, which is all of them,
  // and LaminDB's result, whenever fewer rows contain it.
  const prefixColumn = PREFIX_INDEXED[model.table];
  const prefixField = prefixColumn ? model.fields.find((f) => f.column === prefixColumn) : undefined;
  const namePrefix = prefixField !== undefined && fields.includes(prefixField) && s.length > 0;
  const short = [...s].length <= SHORT_TERM;
  const table = sql.ident(model.table);
  const containment = (ref: (c: string) => Fragment): Fragment =>
    names
      ? sql.or(fields.map((f) => sql`${ref(f.column)} ${like} ${contains} ESCAPE '\\'`))
      : sql`(${searchDocument(model, undefined)}) ${like} ${contains} ESCAPE '\\'`;
  const prefixScans = (n: number): Fragment[] => {
    const col = sql.ident(prefixField!.column);
    const e = likeEscape(s.toLowerCase());
    const exact = cs ? sql` AND ${col} LIKE ${`${likeEscape(s)}%`} ESCAPE '\\'` : sql``;
    const scan = (pattern: string, k: number) =>
      sql`(SELECT "id" FROM ${table} WHERE lower(${col}) LIKE ${pattern} ESCAPE '\\'${exact} ORDER BY lower(${col}) USING ~<~ LIMIT ${k})`;
    return [scan(`${e}%`, n), ...PREFIX_DELIMITERS.map((d) => scan(`${e}${likeEscape(d)}%`, limit ?? 0))];
  };
  const candidates = (alias: string): Fragment => {
    const id = sql.col(alias, "id");
    if (limit !== null && short && namePrefix) {
      return sql`${id} IN (${sql.join(prefixScans(Math.max(SHORT_TERM_CANDIDATES, limit)), sql` UNION ALL `)})`;
    }
    if (limit !== null && !short) {
      const n = Math.max(SEARCH_CANDIDATES, limit);
      const some = sql`(SELECT "id" FROM ${table} WHERE ${containment((c) => sql.ident(c))} LIMIT ${n})`;
      const scans = namePrefix ? prefixScans(limit) : [];
      return sql`${id} IN (${sql.join([some, ...scans], sql` UNION ALL `)})`;
    }
    // the whole search document: one trigram index serves every field
    return containment((c) => sql.col(alias, c));
  };
  // one statement text per registry, field list, option set and term length: prepared where that
  // pays (Instance.preparedRows), the values bound anew for each term
  let out = qs.annotate({ name: "score", expr: score }, candidates, { prepare: true }).orderBy("-score");
  if (limit !== null) out = out.limit(limit);
  return out;
}
