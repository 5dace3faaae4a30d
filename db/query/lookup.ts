// lookup(): an object of registry values keyed by Python-identifier-safe names, as LaminDB's
// lookup() (lamin_utils/_lookup.py) builds them for auto-complete: `ADGB-DT` -> `adgb_dt`.
import { FieldError, InvalidArgument } from "../errors";
import type { Instance } from "../instance";
import { fieldOf } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { sql } from "./sql";

const PYTHON_KEYWORDS = new Set(
  "false none true and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** LaminDB's identifier rules: runs of other characters become `_`, lower case, `ln_` before a non-letter, `_` after keywords. */
export function lookupKey(value: string): string {
  let key = value.replace(/[^0-9a-zA-Z_]+/g, "_").toLowerCase();
  if (!/^[a-z]/.test(key)) key = `ln_${key}`;
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

/** The field lookup() uses by default: the registry's name field, else `name`, else the first text field without "id". */
export function defaultLookupField(model: ModelSpec): string {
  if (model.nameField) return model.nameField;
  if (fieldOf(model, "name")) return "name";
  const f = model.fields.find((x) => (x.type === "char" || x.type === "text") && !x.name.includes("id"));
  if (!f) throw new InvalidArgument(`${model.name} has no text field to look up`);
  return f.name;
}

export async function buildLookup<R extends object, V>(
  model: ModelSpec,
  instance: Instance,
  fromRow: (row: Record<string, unknown>) => R,
  options: LookupOptions = {},
): Promise<Lookup<V>> {
  const fieldName = options.field ?? defaultLookupField(model);
  const field = fieldOf(model, fieldName);
  if (!field)
    throw FieldError.unknown(
      fieldName,
      model.fields.map((f) => f.name),
      model.name,
    );
  if (options.return_field !== undefined && !fieldOf(model, options.return_field)) {
    throw FieldError.unknown(
      options.return_field,
      model.fields.map((f) => f.name),
      model.name,
    );
  }
  const keep = options.keep ?? "first";
  if (keep !== "first" && keep !== "last" && keep !== false)
    throw new InvalidArgument(`keep is "first", "last" or false`);
  // LaminDB reads objects.all(): not branch-scoped
  const rows = await instance.rows(sql`SELECT * FROM ${sql.ident(model.table)} ORDER BY id`);
  const byKey = new Map<string, V[]>();
  const byRaw = new Map<string, V[]>();
  for (const row of rows) {
    const raw = row[field.column];
    if (typeof raw !== "string" || raw === "") continue;
    const record = fromRow(row);
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
