// The Features and Labels sections of describe() for an artifact or a record, read as LaminDB 2.9.1's
// PostgreSQL path reads them (models/_feature_manager.py get_features_data with
// get_categoricals_postgres and get_non_categoricals; models/_label_manager.py describe_labels over
// models/_django.py get_artifact_or_run_with_related). This library writes no artifact or record
// annotations; LaminDB's Python client does, and describe() shows them.
import type { Instance } from "../instance";
import { sql, type Fragment } from "../query/sql";
import type { JsonValue } from "../shapes";
import { pyStr } from "../features/python-hash";

type Row = Record<string, unknown>;

/** One row of the feature table: what LaminDB prints, and the value for the Description JSON. */
export interface FeatureLine {
  name: string;
  dtype: string; // strip_cat(format_dtype_for_display(dtype))
  printed: string;
  value: JsonValue;
  categorical: boolean;
}

/** One row of the Labels table: `.ulabels  ULabel  a, b`. */
export interface LabelLine {
  accessor: string;
  registry: string;
  printed: string;
}

interface LabelLink {
  link: string; // link table
  column: string; // its column pointing at the label
  target: string; // label table
  registry: string;
  accessor: string; // the host's many-to-many accessor, as LaminDB names the Labels row
  /** get_name_field of the label registry (its _name_field, else name) */
  display: string;
  branch: boolean; // label has branch_id (User has none)
}

// Artifact's feature-carrying link models in Django's related_objects order (the order their classes
// are created on `import lamindb`: ulabel.py, artifact.py, then record.py before project.py).
// ArtifactArtifact is left out: its categorical values never resolve on PostgreSQL in 2.9.1
// (get_categoricals_postgres looks them up under "value", the m2m data holds them under "artifact").
const ARTIFACT_LINKS: LabelLink[] = [
  {
    link: "lamindb_artifactulabel",
    column: "ulabel_id",
    target: "lamindb_ulabel",
    registry: "ULabel",
    accessor: "ulabels",
    display: "name",
    branch: true,
  },
  {
    link: "lamindb_artifactuser",
    column: "user_id",
    target: "lamindb_user",
    registry: "User",
    accessor: "users",
    display: "handle",
    branch: false,
  },
  {
    link: "lamindb_artifactrun",
    column: "run_id",
    target: "lamindb_run",
    registry: "Run",
    accessor: "runs",
    display: "started_at",
    branch: true,
  },
  {
    link: "lamindb_artifactrecord",
    column: "record_id",
    target: "lamindb_record",
    registry: "Record",
    accessor: "records",
    display: "name",
    branch: true,
  },
  {
    link: "lamindb_artifactproject",
    column: "project_id",
    target: "lamindb_project",
    registry: "Project",
    accessor: "projects",
    display: "name",
    branch: true,
  },
  {
    link: "lamindb_artifactreference",
    column: "reference_id",
    target: "lamindb_reference",
    registry: "Reference",
    accessor: "references",
    display: "name",
    branch: true,
  },
];

// Record's categorical link models (each `record` -> `value`); RecordJson holds the simple values.
const RECORD_LINKS: Array<{ link: string; target: string; branch: boolean }> = [
  { link: "lamindb_recordrecord", target: "lamindb_record", branch: true },
  { link: "lamindb_recordulabel", target: "lamindb_ulabel", branch: true },
  { link: "lamindb_recorduser", target: "lamindb_user", branch: false },
  { link: "lamindb_recordrun", target: "lamindb_run", branch: true },
  { link: "lamindb_recordartifact", target: "lamindb_artifact", branch: true },
  { link: "lamindb_recordcollection", target: "lamindb_collection", branch: true },
  { link: "lamindb_recordproject", target: "lamindb_project", branch: true },
  { link: "lamindb_recordreference", target: "lamindb_reference", branch: true },
  { link: "lamindb_recordtransform", target: "lamindb_transform", branch: true },
];

/** get_name_field of each label registry: the field a categorical value shows unless its dtype names one. */
const NAME_FIELD: Record<string, string> = {
  lamindb_record: "name",
  lamindb_ulabel: "name",
  lamindb_user: "handle",
  lamindb_run: "started_at",
  lamindb_artifact: "key",
  lamindb_collection: "key",
  lamindb_project: "name",
  lamindb_reference: "name",
  lamindb_transform: "key",
};

// get_default_branch_ids(): the main branch (this library has no current-branch switch)
const DEFAULT_BRANCH_IDS = [1];

/** A label's field as Django's JSONObject returns it: text, a timestamp in PostgreSQL's JSON form. */
const asText = (alias: string, column: string): Fragment =>
  sql`to_jsonb(${sql.ident(alias)}.${sql.ident(column)}) #>> '{}'`;

/** parse_dtype(dtype)[0]["field_str"]: `cat[ULabel.name]`, `cat[Record[Type].name]` name a field. */
function fieldOfDtype(dtype: string, target: string): string {
  const m = /^(?:list\[)?cat\[[A-Za-z_.]+(?:\[[^\]]*\])*\.([a-z_]+)\]/.exec(dtype);
  return m?.[1] ?? NAME_FIELD[target] ?? "name";
}

/** strip_cat: `cat[Record[Type]]` -> `Record[Type]`, `list[cat[ULabel]]` -> `list[ULabel]`. */
export function stripCat(dtype: string): string {
  if (!dtype.includes("cat[")) return dtype;
  return dtype
    .split("cat[")
    .map((part, i) => (i === 0 ? part : part.slice(0, -1)))
    .join("");
}

/** format_dtype_for_display: Record[<type uid>] and ULabel[<type uid>] show the type's name. */
async function displayDtype(instance: Instance, dtype: string): Promise<string> {
  const m = /(Record|ULabel)\[([A-Za-z0-9]+)\]/.exec(dtype);
  if (!m) return dtype;
  const table = m[1] === "Record" ? "lamindb_record" : "lamindb_ulabel";
  const rows = await instance.rows(sql`SELECT name FROM ${sql.ident(table)} WHERE uid = ${m[2]}`);
  return rows[0] ? dtype.replace(`${m[1]}[${m[2]}]`, `${m[1]}[${String(rows[0].name)}]`) : dtype;
}

/** _format_values(names, n=10, quotes=False): str() of each, unique, the first ten, then ", ...". */
export function formatValues(names: unknown[], n = 10): string {
  const items = [...new Set(names.filter((x) => x !== "None").map((x) => pyStr((x ?? null) as JsonValue)))];
  return items.slice(0, n).join(", ") + (items.length > n ? ", ..." : "");
}

/** Python's sorted() of str or number values (code point order for strings). */
function pySorted(values: JsonValue[]): JsonValue[] {
  return [...values].sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

const byNameDtype = (a: [string, string], b: [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

/** str(datetime.fromisoformat(v)) and str(date): what LaminDB prints for datetime and date features. */
function pyDateTime(v: JsonValue, dtype: string): JsonValue {
  if (typeof v !== "string") return v;
  if (dtype === "date") return v.slice(0, 10);
  return v.replace("T", " ").replace(/Z$/, "+00:00");
}

function isHashable(v: JsonValue): boolean {
  return v === null || typeof v !== "object";
}

/** get_non_categoricals' handling of one feature's values, then get_features_data's printing. */
function simpleLine(
  name: string,
  dtype: string,
  raw: JsonValue[] | JsonValue,
  wrapped: boolean,
): FeatureLine {
  const collection = dtype === "dict" || dtype.startsWith("list");
  let values: JsonValue | JsonValue[] = raw;
  // PostgreSQL's ArrayAgg wraps the values of an artifact in a list
  if (wrapped && Array.isArray(values) && values.length === 1 && collection) values = values[0];
  let set: JsonValue[] | undefined; // a Python set
  if (!Array.isArray(values) && (values === null || typeof values !== "object")) set = [values];
  else if (Array.isArray(values) && !collection && values.every(isHashable)) set = [...new Set(values)];
  if (set && (dtype === "datetime" || dtype === "datetime64[ns, UTC]" || dtype === "date"))
    set = [...new Set(set.map((v) => pyDateTime(v, dtype)))];
  if (set && !collection) {
    if (set.length === 1) return { name, dtype, printed: pyStr(set[0]), value: set[0], categorical: false };
    const sorted = pySorted(set);
    return { name, dtype, printed: formatValues(sorted), value: sorted, categorical: false };
  }
  const v = (set ?? values) as JsonValue;
  return { name, dtype, printed: pyStr(v), value: v, categorical: false };
}

/** The feature values of an artifact or a record: categorical first, then the rest, each by (name, dtype). */
export async function hostFeatures(
  instance: Instance,
  host: "Artifact" | "Record",
  id: number,
): Promise<FeatureLine[]> {
  const categoricals = new Map<string, { key: [string, string]; values: JsonValue[]; list: boolean }>();
  const links =
    host === "Artifact"
      ? ARTIFACT_LINKS.map((l) => ({ ...l, owner: "artifact_id" }))
      : RECORD_LINKS.map((l) => ({ ...l, column: "value_id", owner: "record_id" }));
  for (const l of links) {
    const branch = l.branch ? sql`AND x.branch_id IN (${sql.list(DEFAULT_BRANCH_IDS)})` : sql``;
    const rows = await instance.rows(
      sql`SELECT l.id, f.name, f._dtype_str AS dtype, to_jsonb(x) AS label
          FROM ${sql.ident(l.link)} l JOIN ${sql.ident(l.target)} x ON x.id = l.${sql.ident(l.column)}
          JOIN lamindb_feature f ON f.id = l.feature_id
          WHERE l.${sql.ident(l.owner)} = ${id} ${branch} ORDER BY l.id`,
    );
    for (const r of rows) {
      const dtype = String(r.dtype ?? "");
      const label = (r.label ?? {}) as Row;
      const value = label[fieldOfDtype(dtype, l.target)];
      if (value === null || value === undefined || value === "" || value === false || value === 0) continue;
      const k = `${String(r.name)}\u0000${dtype}`;
      const entry = categoricals.get(k) ?? {
        key: [String(r.name), dtype] as [string, string],
        values: [],
        list: dtype.startsWith("list[cat"),
      };
      const v = value as JsonValue;
      if (entry.list || !entry.values.includes(v)) entry.values.push(v);
      categoricals.set(k, entry);
    }
  }
  const lines: FeatureLine[] = [];
  for (const c of [...categoricals.values()].sort((a, b) => byNameDtype(a.key, b.key))) {
    const [name, dtype] = c.key;
    const display = stripCat(await displayDtype(instance, dtype));
    if (c.list)
      lines.push({ name, dtype: display, printed: pyStr(c.values), value: c.values, categorical: true });
    else {
      const one = c.values.length === 1;
      const sorted = pySorted(c.values);
      lines.push({
        name,
        dtype: display,
        // a single label is printed with str(), a set with _format_values(sorted(...))
        printed: one ? pyStr(c.values[0]) : formatValues(sorted),
        value: one ? c.values[0] : sorted,
        categorical: true,
      });
    }
  }
  const simple: Array<{ key: [string, string]; raw: JsonValue | JsonValue[] }> = [];
  if (host === "Artifact") {
    const rows = await instance.rows(
      sql`SELECT f.name, f._dtype_str AS dtype, jsonb_agg(jv.value ORDER BY l.id) AS vals
          FROM lamindb_artifactjsonvalue l JOIN lamindb_jsonvalue jv ON jv.id = l.jsonvalue_id
          JOIN lamindb_feature f ON f.id = jv.feature_id
          WHERE l.artifact_id = ${id} GROUP BY f.name, f._dtype_str`,
    );
    for (const r of rows)
      simple.push({ key: [String(r.name), String(r.dtype ?? "")], raw: r.vals as JsonValue[] });
  } else {
    const rows = await instance.rows(
      sql`SELECT f.name, f._dtype_str AS dtype, rj.value FROM lamindb_recordjson rj
          JOIN lamindb_feature f ON f.id = rj.feature_id WHERE rj.record_id = ${id} ORDER BY rj.id`,
    );
    for (const r of rows)
      simple.push({ key: [String(r.name), String(r.dtype ?? "")], raw: r.value as JsonValue });
  }
  for (const s of simple.sort((a, b) => byNameDtype(a.key, b.key))) {
    const line = simpleLine(s.key[0], s.key[1], s.raw, host === "Artifact");
    lines.push({ ...line, dtype: stripCat(await displayDtype(instance, line.dtype)) });
  }
  return lines;
}

/** describe_labels of an artifact: every linked label (with or without a feature), grouped by registry. */
export async function artifactLabels(instance: Instance, id: number): Promise<LabelLine[]> {
  const out: LabelLine[] = [];
  for (const l of ARTIFACT_LINKS) {
    const branch = l.branch ? sql`AND x.branch_id IN (${sql.list(DEFAULT_BRANCH_IDS)})` : sql``;
    const rows = await instance.rows(
      sql`SELECT x.id, ${asText("x", l.display)} AS display
          FROM ${sql.ident(l.link)} l JOIN ${sql.ident(l.target)} x ON x.id = l.${sql.ident(l.column)}
          WHERE l.artifact_id = ${id} ${branch} ORDER BY l.id`,
    );
    // keyed by label id as LaminDB's m2m data is, then _format_values
    const byId = new Map<string, unknown>();
    for (const r of rows) if (!byId.has(String(r.id))) byId.set(String(r.id), r.display ?? null);
    const printed = formatValues([...byId.values()]);
    if (printed) out.push({ accessor: `.${l.accessor}`, registry: l.registry, printed });
  }
  return out;
}
