// lookup(): an object of registry values keyed by Python-identifier-safe names, as LaminDB's
// lookup() (lamin_utils/_lookup.py) builds them for auto-complete: `ADGB-DT` -> `adgb_dt`.
import { FieldError, InvalidArgument } from "../errors";
import { fieldOf } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";

// Python's keyword.iskeyword() of a lowercased key: False, None and True are keywords only capitalised.
const PYTHON_KEYWORDS = new Set(
  "and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/**
 * LaminDB's identifier rules (lamin_utils Lookup with prefix "ln"): runs of other characters become
 * `_`, lower case, `ln_` before a non-letter; `class` becomes `ln_class`, other Python keywords get a
 * trailing `_` (`for_`); `none`, `true` and `false` stay, as lowercase they are no keywords.
 */
export function lookupKey(value: string): string {
  let key = value.replace(/[^0-9a-zA-Z_]+/g, "_").toLowerCase();
  if (!/^[a-z]/.test(key)) key = `ln_${key}`;
  if (key === "class") return "ln_class";
  if (PYTHON_KEYWORDS.has(key)) key = `${key}_`;
  return key;
}

export interface LookupOptions {
  field?: string;
  return_field?: string;
  keep?: "first" | "last" | false;
}

/** Keys to values (records or return_field values); collisions resolved by `keep`. `dict()` is keyed by raw values. */
export type Lookup<V> = { [key: string]: V | V[] } & { dict(): { [raw: string]: V | V[] } };

// LaminDB's _name_field where it differs from the label field (nameField): a Run's is started_at, a
// datetime, so Run.lookup() has no keys there.
const LAMINDB_NAME_FIELD: Readonly<Record<string, string>> = { Run: "started_at" };

/** The field lookup() uses by default: LaminDB's _name_field, else `name`, else the first text field without "id". */
export function defaultLookupField(model: ModelSpec): string {
  const named = LAMINDB_NAME_FIELD[model.name] ?? model.nameField;
  if (named) return named;
  if (fieldOf(model, "name")) return "name";
  const f = model.fields.find((x) => (x.type === "char" || x.type === "text") && !x.name.includes("id"));
  if (!f) throw new InvalidArgument(`${model.name} has no text field to look up`);
  return f.name;
}

/** The field and options lookup() reads, checked before any query. */
export function lookupField(model: ModelSpec, options: LookupOptions): string {
  const fieldName = options.field ?? defaultLookupField(model);
  const names = model.fields.map((f) => f.name);
  if (!fieldOf(model, fieldName)) throw FieldError.unknown(fieldName, names, model.name);
  if (options.return_field !== undefined && !fieldOf(model, options.return_field))
    throw FieldError.unknown(options.return_field, names, model.name);
  const keep = options.keep ?? "first";
  if (keep !== "first" && keep !== "last" && keep !== false)
    throw new InvalidArgument(`keep is "first", "last" or false`);
  return fieldName;
}

/** The lookup of these records (a QuerySet's, in its order), keyed by their `field` values. */
export function buildLookup<V>(records: object[], fieldName: string, options: LookupOptions = {}): Lookup<V> {
  const keep = options.keep ?? "first";
  const byKey = new Map<string, V[]>();
  const byRaw = new Map<string, V[]>();
  for (const record of records) {
    const raw = (record as Record<string, unknown>)[fieldName];
    if (typeof raw !== "string" || raw === "") continue;
    const value = (
      options.return_field ? (record as Record<string, unknown>)[options.return_field] : record
    ) as V;
    const key = lookupKey(raw);
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
    byRaw.set(raw, [...(byRaw.get(raw) ?? []), record as unknown as V]);
  }
  const out = {} as Lookup<V>;
  for (const [key, values] of byKey) {
    out[key] =
      values.length === 1
        ? values[0]
        : keep === "first"
          ? values[0]
          : keep === "last"
            ? values[values.length - 1]
            : values;
  }
  const dict: { [raw: string]: V | V[] } = {};
  for (const [raw, values] of byRaw) dict[raw] = values.length === 1 ? values[0] : values;
  Object.defineProperty(out, "dict", { value: () => dict, enumerable: false });
  return out;
}
