// SQL fragments that carry their parameters, as Kysely's `sql` template does: text and values are
// composed together, so a fragment nested twice binds its values twice and a reordering cannot
// misbind. A fragment renders once, at the end, with knex's `?` or PostgreSQL's `$n` placeholders.
//
//   const name = sql`lower(${sql.ident("t0")}.${sql.ident("name")})`;
//   sql`${name} LIKE ${"ab%"} ESCAPE '\\'`.toPositional() // { text: 'lower("t0"."name") LIKE $1 ...', values: ["ab%"] }
//
// Interpolated values are always bound parameters. SQL text enters only as the template's own
// literal text, through sql.raw() (string literal types only: a computed string does not compile),
// or as identifiers through sql.ident(), which the query layer calls only with names from the catalog
// (db/schema/catalog.ts) and the aliases it allocates.

export class Fragment {
  /** `strings.length === values.length + 1`: the text around each value. */
  private constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** Builds a fragment from template parts; nested fragments are spliced in, anything else is bound. */
  static of(strings: readonly string[], args: readonly unknown[]): Fragment {
    const out: string[] = [strings[0]];
    const values: unknown[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a instanceof Fragment) {
        out[out.length - 1] += a.strings[0];
        for (let j = 0; j < a.values.length; j++) {
          values.push(a.values[j]);
          out.push(a.strings[j + 1]);
        }
        out[out.length - 1] += strings[i + 1];
      } else {
        values.push(a);
        out.push(strings[i + 1]);
      }
    }
    return new Fragment(out, values);
  }

  static text(text: string): Fragment {
    return new Fragment([text], []);
  }

  get isEmpty(): boolean {
    return this.values.length === 0 && this.strings[0] === "";
  }

  /** Knex's form (`?` placeholders), for knex.raw(). */
  toKnex(): { sql: string; bindings: unknown[] } {
    for (const s of this.strings) {
      // knex reads every `?` as a placeholder: a literal one in the text would shift the values
      if (s.includes("?")) throw new Error(`internal: a '?' in SQL text: ${s}`);
    }
    return { sql: this.strings.join("?"), bindings: [...this.values] };
  }

  /** PostgreSQL's form (`$1, $2, ...`), for a statement sent straight to a connection. */
  toPositional(): { text: string; values: unknown[] } {
    let text = this.strings[0];
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return { text, values: [...this.values] };
  }

  /** The text of a fragment without values, for DDL (an index expression must match the queries'). */
  toStaticText(): string {
    if (this.values.length > 0) throw new Error("internal: a fragment with values where none can be bound");
    return this.strings[0];
  }

  /** The `?` text, for tests and messages. */
  get text(): string {
    return this.strings.join("?");
  }

  // A fragment inside a plain template string or a `+` would keep its text and drop its values.
  [Symbol.toPrimitive](): never {
    throw new Error("internal: a Fragment used as a string; nest it in sql`...` instead");
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A fragment from a template: `${fragment}` nests, any other `${value}` is a bound parameter. */
export function sql(strings: TemplateStringsArray, ...args: unknown[]): Fragment {
  return Fragment.of(strings, args);
}

/** Double-quotes an identifier (a catalog name or an allocated alias); anything else is a bug. */
sql.ident = (name: string): Fragment => {
  if (!IDENTIFIER.test(name)) throw new Error(`internal: bad identifier ${name}`);
  return Fragment.text(`"${name}"`);
};

/** `alias.column`, both quoted. */
sql.col = (alias: string, column: string): Fragment => sql`${sql.ident(alias)}.${sql.ident(column)}`;

/**
 * SQL text written in this repository (an operator, a keyword, a cast). The parameter type accepts
 * string literal types only, so text computed from input cannot reach it.
 */
sql.raw = <T extends string>(text: string extends T ? never : T): Fragment => Fragment.text(text);

/** Fragments joined by a separator (", " unless given). */
sql.join = (parts: readonly Fragment[], separator: Fragment = Fragment.text(", ")): Fragment => {
  if (parts.length === 0) return Fragment.text("");
  const strings = [""];
  const args: Fragment[] = [];
  parts.forEach((p, i) => {
    if (i > 0) {
      args.push(separator);
      strings.push("");
    }
    args.push(p);
    strings.push("");
  });
  return Fragment.of(strings, args);
};

/** `(a) AND (b) AND ...`; TRUE for none. */
sql.and = (parts: readonly Fragment[]): Fragment =>
  parts.length === 0 ? Fragment.text("TRUE") : sql.join(parts.map(parens), Fragment.text(" AND "));

/** `(a) OR (b) OR ...`; FALSE for none. */
sql.or = (parts: readonly Fragment[]): Fragment =>
  parts.length === 0 ? Fragment.text("FALSE") : sql.join(parts.map(parens), Fragment.text(" OR "));

/** A list of bound values: `?, ?, ?`. */
sql.list = (values: readonly unknown[]): Fragment => sql.join(values.map((v) => sql`${v}`));

const parens = (f: Fragment): Fragment => sql`(${f})`;

/** Escapes LIKE's wildcards so a value matches literally (used with ESCAPE '\'). */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Allocates table aliases t0, t1, ... for one statement. */
export class Aliases {
  private n = 0;
  next(): string {
    return `t${this.n++}`;
  }
}
