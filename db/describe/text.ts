// describe()'s text as LaminDB 2.9.1 prints it (models/_describe.py, a Rich tree with the colours
// stripped and each line right-trimmed): the header, a borderless two-column table (Rich pads each
// column to its widest cell and puts two spaces between them; an empty item is a blank cell), then
// the branches: cli_args, report, environment, source code, Params, Features, README and comments.
import type { Instance } from "../instance";
import { sql } from "../query/sql";
import type { ModelSpec } from "../schema/fields";
import type { DescribeFeature, JsonValue } from "../shapes";
import { pyStr } from "../features/python-hash";
import { statusName } from "../status";
import type { FeatureLine, LabelLine } from "./annotations";

type Row = Record<string, unknown>;

/** %Y-%m-%d %H:%M:%S %Z of a UTC time. */
function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

/** LaminDB's format_field_value(value, none): datetimes as %Y-%m-%d %H:%M:%S %Z. */
function fieldValue(value: unknown, none = "None"): string {
  if (value === null || value === undefined) return none;
  if (value instanceof Date) return formatDateTime(value.toISOString());
  if (typeof value === "string") return formatDateTime(value);
  return String(value);
}

/** Python's f"{value}" of a column value. */
function pyF(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

// the feature table's fixed column widths (NAME_WIDTH, TYPE_WIDTH, VALUES_WIDTH)
const NAME_WIDTH = 30;
const TYPE_WIDTH = 35;
const VALUES_WIDTH = 40;

const pad = (s: string, w: number) => (s.length >= w ? s : s + " ".repeat(w - s.length));
// Rich's no_wrap overflow: the cell's width minus one, then an ellipsis
const crop = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);

/** add_two_column_items_to_tree: a borderless two-column table. */
function twoColumns(items: string[]): string[] {
  const rows: Array<[string, string]> = [];
  for (let i = 0; i < items.length; i += 2) rows.push([items[i], items[i + 1] ?? ""]);
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([l, r]) => `${pad(l, width)}  ${r}`.trimEnd());
}

/** display_text: a title, then each line after "│ " cut at 80 characters, at most `max` lines. */
function displayText(text: string, title: string, max: number, uid = ""): string[] {
  const lines = text.split("\n");
  const out = [`${title}: ${uid}`.trimEnd()];
  for (const l of lines.slice(0, max)) out.push(`│ ${l.slice(0, 80)}${l.length > 80 ? " …" : ""}`.trimEnd());
  if (lines.length > max) out.push("│ …");
  return out;
}

/** A Rich tree: each child's first line after ├── or └──, its other lines after │ or spaces. */
function tree(label: string[], children: string[][]): string[] {
  const lines = [...label];
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    child.forEach((line, j) =>
      lines.push(`${j === 0 ? (last ? "└── " : "├── ") : last ? "    " : "│   "}${line}`.trimEnd()),
    );
  });
  return lines;
}

/** create_feature_table (fixed widths, no header) under a bold title. */
function featureTable(rows: Array<[string, string, string]>, title = "Features"): string[] {
  const lines = rows.map(([name, dtype, value]) =>
    `${pad(crop(name, NAME_WIDTH), NAME_WIDTH)}  ${pad(crop(dtype, TYPE_WIDTH), TYPE_WIDTH)}  ${crop(value, VALUES_WIDTH)}`.trimEnd(),
  );
  return tree([title], [lines]);
}

/** The run's feature values as describe_features prints them. */
function runFeatureRows(features: DescribeFeature[]): Array<[string, string, string]> {
  const value = (v: JsonValue) =>
    typeof v === "string" ? v : Array.isArray(v) ? v.map((x) => pyStr(x)).join(", ") : pyStr(v);
  return features.map((f) => [f.name, f.dtype, value(f.value)]);
}

export interface TextContext {
  instance: Instance;
  /** the first row of each to-one relation */
  one: (relation: string) => Row | undefined;
  branchName: string;
  spaceName: string;
  features: DescribeFeature[];
  /** an artifact's or a record's feature rows, printed (annotations.ts) */
  featureLines?: FeatureLine[];
  /** an artifact's Labels rows */
  labels: LabelLine[];
  blocks: Array<{ kind: string; content: string; created_at: string; created_by: string }>;
  /** report and environment: uid and the lines LaminDB would load from the file (here its description) */
  runArtifacts: Array<{ role: string; uid: string; lines: string[] }>;
}

async function transformKeyOfRun(instance: Instance, run: Row): Promise<string> {
  const t = await instance.run((db) =>
    db("lamindb_transform").select("key").where({ id: run.transform_id }).first(),
  );
  return t ? String(t.key) : "";
}

const runTitle = (run: Row, transformKey: string) =>
  `${typeof run.name === "string" ? run.name : String(run.uid).slice(0, 7)} (${transformKey})`;

/** describe_header */
function header(model: ModelSpec, row: Row, transformKey: string): string[] {
  if (model.name === "Run") return [`Run: ${runTitle(row, transformKey)}`];
  if (model.versioned) {
    const version =
      typeof row.version_tag === "string" && row.version_tag ? row.version_tag : String(row.uid).slice(-4);
    const title = [`${model.name}: ${typeof row.key === "string" ? row.key : ""} (${version})`];
    if (row.description) title.push(`|   description: ${String(row.description)}`);
    return title;
  }
  // record._name_field, else name; JsonValue's _name_field is value (its catalog entry has no name field)
  const field =
    model.name === "JsonValue"
      ? "value"
      : (model.nameField ?? (model.fields.some((f) => f.name === "name") ? "name" : ""));
  let value = field ? row[field] : undefined;
  if (value === null || value === undefined || value === "")
    value = typeof row.uid === "string" ? row.uid.slice(0, 7) : "";
  return [`${model.name}: ${typeof value === "string" ? value : pyStr((value ?? null) as JsonValue)}`];
}

export async function lamindbText(model: ModelSpec, row: Row, ctx: TextContext): Promise<string> {
  const transform = ctx.one("transform");
  const transformKey = model.name === "Run" ? (transform ? String(transform.key) : "") : "";
  const label = header(model, row, transformKey);
  const handle = String(ctx.one("created_by")?.handle ?? "");
  const common = [
    `branch: ${ctx.branchName}`,
    `space: ${ctx.spaceName}`,
    `created_at: ${fieldValue(row.created_at)}`,
    `created_by: ${handle}`,
  ];
  // append_uid_run
  const uidRun = async () => {
    const items = [`uid: ${String(row.uid)}`];
    const run = ctx.one("run");
    if (run) {
      const key = await transformKeyOfRun(ctx.instance, run);
      if (model.name === "Collection") {
        // get_collection_with_related names the run by get_name_field(Run), Run._name_field being
        // started_at: the title is its JSON text from PostgreSQL
        const rows = await ctx.instance.rows(
          sql`SELECT to_jsonb(started_at) #>> '{}' AS started FROM lamindb_run WHERE id = ${run.id}`,
        );
        const started = rows[0]?.started;
        items.push(`run: ${typeof started === "string" ? `${started} (${key})` : runTitle(run, key)}`);
      } else items.push(`run: ${runTitle(run, key)}`);
    }
    return items;
  };
  const children: string[][] = [];
  let items: string[] | undefined;
  switch (model.name) {
    case "Run": {
      const tag = transform && typeof transform.version_tag === "string" ? ` (${transform.version_tag})` : "";
      items = [
        `uid: ${String(row.uid)}`,
        `transform: ${transformKey}${tag}`,
        `started_at: ${fieldValue(row.started_at, "")}`,
        `finished_at: ${fieldValue(row.finished_at, "")}`,
        `status: ${statusName(Number(row._status_code))}`,
        row.reference ? `reference: ${String(row.reference)}` : "",
        ...common,
      ];
      if (typeof row.cli_args === "string" && row.cli_args)
        children.push(displayText(row.cli_args.trim(), "cli_args", 4));
      for (const a of ctx.runArtifacts)
        children.push(displayText(a.lines.join("\n").trim(), a.role, 4, a.uid.slice(0, 7)));
      const params = row.params as JsonValue | undefined;
      if (params !== null && params !== undefined && typeof params === "object" && !Array.isArray(params)) {
        const entries = Object.entries(params);
        if (entries.length > 0)
          children.push(
            tree(
              ["Params"],
              entries.map(([k, v]) => [`${k}: ${pyStr(v)}`]),
            ),
          );
      } else if (
        params !== null &&
        params !== undefined &&
        params !== "" &&
        params !== 0 &&
        params !== false
      ) {
        // LaminDB calls params.items() and fails on another value; here it is one line
        children.push(tree(["Params"], [[pyStr(params)]]));
      }
      if (ctx.features.length > 0) children.push(featureTable(runFeatureRows(ctx.features)));
      break;
    }
    case "Transform":
      items = [
        `uid: ${String(row.uid)}`,
        row.reference ? `reference: ${String(row.reference)}` : "",
        `hash: ${pyF(row.hash)}`,
        `type: ${pyF(row.kind)}`,
        ...common,
      ];
      if (typeof row.source_code === "string" && row.source_code)
        children.push(displayText(row.source_code.trim(), "source_code", 30));
      break;
    case "Record": {
      const type = ctx.one("type");
      const schema = ctx.one("schema");
      items = [
        ...(await uidRun()),
        `type: ${type?.name ?? ""}`,
        `is_type: ${pyF(row.is_type)}`,
        `schema: ${schema?.name ?? ""}`,
        `reference: ${row.reference ?? ""}`,
        ...common,
      ];
      if (ctx.featureLines?.length) children.push(featureTable(featureRows(ctx.featureLines)));
      break;
    }
    case "Collection":
      items = [...(await uidRun()), ...common];
      break;
    case "Artifact": {
      items = await uidRun();
      if (row.kind || row.otype) items.push(`kind: ${pyF(row.kind)}`, `otype: ${pyF(row.otype)}`);
      items.push(`hash: ${pyF(row.hash)}`, `size: ${formatBytes(row.size)}`, ...common);
      if (row.n_observations) items.push(`n_observations: ${pyF(row.n_observations)}`);
      if (row.n_files) items.push(`n_files: ${pyF(row.n_files)}`);
      // describe_postgres reads the schema's name through fk_data: an unnamed schema is left out
      const schema = ctx.one("schema");
      if (schema && typeof schema.name === "string") items.push(`schema: ${schema.name}`);
      const uid = String(row.uid);
      let key =
        row._key_is_virtual !== true && typeof row.key === "string"
          ? row.key
          : typeof row._real_key === "string" && row._real_key
            ? row._real_key
            : `.lamindb/${uid}`;
      if (key.includes(uid))
        key = `${row._overwrite_versions === true ? key.slice(0, -4) : key}${pyF(row.suffix)}`;
      children.push([`storage/path: ${String(ctx.one("storage")?.root ?? "")}/${key}`]);
      // no schemas are linked here, so there is no "Dataset features" section and the external
      // features are titled "Features"
      if (ctx.featureLines?.length) children.push(featureTable(featureRows(ctx.featureLines)));
      if (ctx.labels.length)
        children.push(
          featureTable(
            ctx.labels.map((l) => [l.accessor, l.registry, l.printed]),
            "Labels",
          ),
        );
      break;
    }
    case "Branch": {
      // describe_branch
      const status = BRANCH_STATUS[String(row._status_code)] ?? "standalone";
      items = [
        `status: ${status}`,
        `space: ${ctx.spaceName}`,
        `created_at: ${fieldValue(row.created_at)}`,
        `created_by: ${handle}`,
      ];
      break;
    }
  }
  // README blocks first, then comments, each by created_at (append_readme_blocks_to_tree)
  for (const b of [
    ...ctx.blocks.filter((x) => x.kind === "readme"),
    ...ctx.blocks.filter((x) => x.kind === "comment"),
  ]) {
    const title =
      b.kind === "readme" ? "README" : `comment by ${b.created_by || "?"} at ${fieldValue(b.created_at)}`;
    children.push(displayText(b.content, title, 30));
  }
  const table = items ? [twoColumns(items)] : [];
  return tree(label, [...table, ...children]).join("\n");
}

const featureRows = (lines: FeatureLine[]): Array<[string, string, string]> =>
  lines.map((f) => [f.name, f.dtype, f.printed]);

// BRANCH_CODE_TO_STATUS (lamindb/base/types.py); an unknown code reads as "standalone"
const BRANCH_STATUS: Record<string, string> = {
  "-2": "closed",
  "-1": "merged",
  "0": "standalone",
  "1": "draft",
  "2": "review",
};

/** format_bytes */
function formatBytes(v: unknown): string {
  if (v === null || v === undefined) return "None";
  const n = Number(v);
  if (n < 1024) return `${n} B`;
  const units: Array<[number, string]> = [
    [1024 ** 2, "KB"],
    [1024 ** 3, "MB"],
    [1024 ** 4, "GB"],
  ];
  for (const [limit, unit] of units) if (n < limit) return `${(n / (limit / 1024)).toFixed(1)} ${unit}`;
  return `${(n / 1024 ** 4).toFixed(1)} TB`;
}
