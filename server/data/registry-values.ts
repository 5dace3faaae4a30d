// Registry values for completion, hover and diagnostics. Prefix matches use the indexed
// `lower(name) LIKE 'x%'` (the lower(name) text_pattern_ops index the migrations create): at a
// million rows that is ~0.1 ms in the database, where an in-memory copy of the names would cost
// more than the server's whole memory budget (see docs/server.md). Results are cached per
// (registry, field, prefix) until a change to the registry's table arrives. A keystroke that extends
// a cached prefix whose answer was complete (every match, not the first LIMIT) is answered from that
// answer without a statement: typing "CD8A" after "CD8" filters CD8's rows.
import { defaultLookupField, typeahead, type SQLRecord } from "../../db/index";
import type { Database } from "../connection/database";
import { labelField, registry, type RegistryClassLike } from "./registries";
import { lookupKey, MAX_SEARCH_TERM, search, similar } from "./query-api";

export interface ValueItem {
  id: number;
  uid: string;
  value: string;
  description: string | null;
  match: "prefix" | "contains" | "similar";
}

const LIMIT = 50;
/** Fewer prefix matches than this add the contains pass. */
const FEW = 10;
const MAX_ENTRIES = 2000;
/** Values per existence statement (`field IN (...)`): a document's get() values, a few statements at most. */
const EXISTS_CHUNK = 1000;
/** Without notifications (a LaminDB-created database) cached values expire after this. */
const TTL_WITHOUT_NOTIFY_MS = 30_000;

interface Entry {
  at: number;
  items: ValueItem[];
  /** complete(): every row it read (both halves, before the cut to LIMIT), for longer prefixes. */
  typed?: Typed;
}

/** What a complete() answer knows beyond its items. */
interface Typed {
  rows: ValueItem[];
  /** The prefix half found every prefix match (fewer than LIMIT). */
  prefixComplete: boolean;
  /** Every row containing the prefix is in `rows`: the prefix half and the contains half both complete,
   * or the prefix is empty (its prefix half then holds every row). */
  containsComplete: boolean;
}

const ASCII = /^[\x20-\x7e]*$/;

export class RegistryValues {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly db: Database) {}

  invalidate(registryName?: string): void {
    if (!registryName) return this.cache.clear();
    for (const key of this.cache.keys()) if (key.startsWith(`${registryName}\u0000`)) this.cache.delete(key);
  }

  private fresh(entry: Entry | undefined): entry is Entry {
    if (!entry) return false;
    return this.db.status().notifications !== "none" || Date.now() - entry.at < TTL_WITHOUT_NOTIFY_MS;
  }

  private remember(key: string, items: ValueItem[], typed?: Typed): ValueItem[] {
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { at: Date.now(), items, typed });
    return items;
  }

  private toItem(r: SQLRecord, field: string, match: ValueItem["match"]): ValueItem {
    return this.rowItem(r as unknown as Record<string, unknown>, field, match);
  }

  private rowItem(row: Record<string, unknown>, field: string, match: ValueItem["match"]): ValueItem {
    return {
      id: Number(row.id),
      uid: String(row.uid ?? ""),
      value: String(row[field] ?? ""),
      description: typeof row.description === "string" ? row.description : null,
      match,
    };
  }

  /** Values of `field` starting with `prefix` (case-insensitive), then values containing it. */
  async complete(registryName: string, field: string, prefix: string): Promise<ValueItem[]> {
    const reg = registry(registryName);
    if (!reg || !reg.spec.fields.some((f) => f.name === field && (f.type === "char" || f.type === "text")))
      return [];
    if (prefix.length > MAX_SEARCH_TERM) return []; // longer than any value worth completing
    const base = `${registryName}\u0000${field}\u0000`;
    const key = base + "^" + prefix.toLowerCase();
    const cached = this.cache.get(key);
    if (this.fresh(cached)) return cached.items;
    const derived = this.extend(base, prefix);
    if (derived) return this.remember(key, derived.items, derived);
    const typed = await this.db.read(async () => {
      // One statement: the indexed prefix query answers almost every request; the contains half
      // (trigram index) runs inside it only when the prefix found few values, which is when the
      // user is likely after a middle part or has a typo. Measured in bench/server-bench.ts.
      const rows = await typeahead(reg.filter({}), field, prefix, {
        fields: valueColumns(reg, field),
        limit: LIMIT,
        few: FEW,
      });
      const items = rows.map((r) => this.rowItem(r, field, r.match));
      const starts = items.filter((i) => i.match === "prefix").length;
      const prefixComplete = starts < LIMIT;
      const containsRan = prefix.length >= 2 && starts < FEW;
      return {
        rows: items,
        prefixComplete,
        containsComplete: prefixComplete && (prefix === "" || (containsRan && items.length - starts < LIMIT)),
      };
    });
    return this.remember(key, rank(typed.rows, prefix).slice(0, LIMIT), typed);
  }

  /**
   * The answer for `prefix` from the cached answer of a shorter prefix it extends, when that one is
   * complete enough: its prefix matches are a superset of the longer prefix's, and, when it also
   * holds every row containing it, so are its contains matches. The halves are filtered as the
   * statement would (the contains half only when the prefix half finds fewer than FEW, never for one
   * character). Only for ASCII prefixes, where lowercasing here and in PostgreSQL agree.
   */
  private extend(base: string, prefix: string): (Typed & { items: ValueItem[] }) | undefined {
    if (!ASCII.test(prefix)) return undefined;
    const lower = prefix.toLowerCase();
    for (const typed of this.answers(base, lower, lower.length - 1)) {
      if (!typed.prefixComplete) continue;
      const { rows, containsComplete } = typed;
      const starts: ValueItem[] = [];
      const contains: ValueItem[] = [];
      for (const r of rows) {
        const v = r.value.toLowerCase();
        if (r.match === "prefix" && v.startsWith(lower)) starts.push({ ...r, match: "prefix" });
        else if (containsComplete && !v.startsWith(lower) && v.includes(lower))
          contains.push({ ...r, match: "contains" });
      }
      const wantContains = prefix.length >= 2 && starts.length < FEW;
      if (wantContains && !containsComplete) return undefined; // a statement answers it
      // rows keeps the contains matches even when this answer leaves them out: a longer prefix
      // with fewer matches will want them
      return {
        rows: [...starts, ...contains],
        prefixComplete: true,
        containsComplete,
        items: rank(wantContains ? [...starts, ...contains] : starts, prefix).slice(0, LIMIT),
      };
    }
    return undefined;
  }

  /** Whether some record has exactly this value (case-sensitive, as get() compares). */
  async exists(registryName: string, field: string, value: string): Promise<boolean> {
    return (await this.existing(registryName, field, [value])).has(value);
  }

  /**
   * Which of these values some record has (case-sensitive, as get() compares): one statement for all
   * the values not cached (per 1,000), so a document with 500 get() calls costs one round trip.
   */
  async existing(registryName: string, field: string, values: readonly string[]): Promise<Set<string>> {
    const reg = registry(registryName);
    if (!reg) return new Set(values);
    const keyOf = (v: string) => `${registryName}\u0000${field}\u0000=${v}`;
    const found = new Set<string>();
    const unknown: string[] = [];
    for (const v of new Set(values)) {
      const cached = this.cache.get(keyOf(v));
      const known = this.fresh(cached) ? cached.items.length > 0 : this.listed(registryName, field, v);
      if (known === undefined) unknown.push(v);
      else if (known) found.add(v);
    }
    for (let i = 0; i < unknown.length; i += EXISTS_CHUNK) {
      const chunk = unknown.slice(i, i + EXISTS_CHUNK);
      const rows = await this.db.read(async () => reg.filter({ [`${field}__in`]: chunk }).toArray());
      const items = new Map(rows.map((r) => [String((r as unknown as Record<string, unknown>)[field]), r]));
      for (const v of chunk) {
        const r = items.get(v);
        this.remember(keyOf(v), r ? [this.toItem(r, field, "prefix")] : []);
        if (r) found.add(v);
      }
    }
    return found;
  }

  /**
   * Whether a value exists, from the cached completion answers alone: a completion just listed it (the
   * value the user accepted is then checked without a statement), or a complete answer for a prefix of
   * it lacks it. Undefined when no cached answer tells. Only for ASCII values (lowercasing here and in
   * PostgreSQL agree there) no longer than a searched prefix.
   */
  private listed(registryName: string, field: string, value: string): boolean | undefined {
    if (value === "" || value.length > MAX_SEARCH_TERM || !ASCII.test(value)) return undefined;
    const lower = value.toLowerCase();
    for (const typed of this.answers(`${registryName}\u0000${field}\u0000`, lower, lower.length)) {
      // case-sensitive, as get() compares; a complete prefix half holds every row starting with it
      if (typed.rows.some((r) => r.value === value)) return true;
      if (typed.prefixComplete) return false;
    }
    return undefined;
  }

  /** The fresh cached complete() answers for the prefixes of `lower` up to `longest` characters, longest first. */
  private *answers(base: string, lower: string, longest: number): Generator<Typed> {
    for (let n = longest; n >= 0; n--) {
      const entry = this.cache.get(base + "^" + lower.slice(0, n));
      if (this.fresh(entry) && entry.typed) yield entry.typed;
    }
  }

  /** "Did you mean": the best search() matches for a value that does not exist. */
  async suggest(registryName: string, field: string, value: string, limit = 3): Promise<ValueItem[]> {
    const reg = registry(registryName);
    // a value longer than any name is no typo of one: not searched (it kept backends busy for minutes)
    if (!reg || value.length > MAX_SEARCH_TERM) return [];
    const key = `${registryName}\u0000${field}\u0000~${value}`;
    const cached = this.cache.get(key);
    if (this.fresh(cached)) return cached.items;
    const found = await this.db.read(async (instance) => {
      const ranked = await search(reg, value, { field, limit });
      return ranked.length ? ranked : similar(reg, instance, value, { field, limit });
    });
    return this.remember(
      key,
      found.filter((s) => s.score > 0).map((s) => this.toItem(s.record, field, "similar")),
    );
  }

  /** Records whose uid starts with `prefix`, for `.get("|`. */
  async uids(registryName: string, prefix: string): Promise<ValueItem[]> {
    const reg = registry(registryName);
    if (!reg || !reg.spec.fields.some((f) => f.name === "uid")) return [];
    const field = labelField(reg.spec) ?? "uid";
    const key = `${registryName}\u0000uid\u0000${prefix}`;
    const cached = this.cache.get(key);
    if (this.fresh(cached)) return cached.items;
    const rows = await this.db.read(async () => {
      const qs = prefix ? reg.all().basicFilter({ uid__startswith: prefix }) : reg.filter({});
      return qs.orderBy("-id").limit(LIMIT).toArray();
    });
    return this.remember(
      key,
      rows.map((r) => this.toItem(r, field, "prefix")),
    );
  }

  /** lookup() identifiers that start with `prefix`, with the value each stands for. */
  async lookupKeys(registryName: string, prefix: string): Promise<Array<ValueItem & { key: string }>> {
    const reg = registry(registryName);
    // lookup() keys come from LaminDB's _name_field, which for Run is started_at: no text, no keys
    const field = reg && labelField(reg.spec);
    if (!reg || !field || defaultLookupField(reg.spec) !== field) return [];
    // The key's first run of letters and digits is the value's (lowercased) start.
    const stem = (prefix.startsWith("ln_") ? prefix.slice(3) : prefix).split("_")[0];
    const values = await this.complete(registryName, field, stem);
    const out: Array<ValueItem & { key: string }> = [];
    const seen = new Set<string>();
    for (const v of values) {
      const key = lookupKey(v.value);
      if (!key.startsWith(prefix) || seen.has(key)) continue;
      seen.add(key);
      out.push({ ...v, key });
    }
    return out;
  }

  /** The record a value or uid names, for hover. */
  async record(
    reg: RegistryClassLike,
    by: { field: string; value: string } | { uid: string },
  ): Promise<SQLRecord | null> {
    return this.db.read(async () => {
      if ("uid" in by) {
        try {
          return await reg.get(by.uid);
        } catch {
          return null;
        }
      }
      return reg
        .all()
        .filter({ [by.field]: by.value })
        .orderBy("-id")
        .first();
    });
  }
}

/** Case-matching prefix first, then shorter (closer) values, then alphabetical; contains last. */
export function rank(items: ValueItem[], prefix: string): ValueItem[] {
  const weight = (i: ValueItem) => (i.match === "prefix" ? (i.value.startsWith(prefix) ? 0 : 1) : 2);
  return [...items].sort(
    (a, b) =>
      weight(a) - weight(b) ||
      a.value.length - b.value.length ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

/** The columns a completion item shows: the value field, uid and a description when there is one. */
function valueColumns(reg: RegistryClassLike, field: string): string[] {
  const names = new Set(reg.spec.fields.map((f) => f.name));
  return [field, ...["uid", "description"].filter((c) => names.has(c) && c !== field)];
}
