// describe(): the structured Description the describe renderer draws (and its LaminDB-style text).
// For a Run: LaminDB's field pairs, params, features, report/environment, blocks, related records
// and the lineage picture (inputs -> run -> outputs).
import type { Instance } from "../instance";
import { isToMany, relationsOf, type Relation } from "../schema/catalog";
import type { ModelSpec } from "../schema/fields";
import { sql, type Fragment } from "../query/sql";
import { fieldDType } from "../query/dataframe";
import { toCount } from "../connection/normalise";
import { FeatureManager } from "../features/manager";
import { categoricalRegistry } from "../features/dtypes";
import type {
  DescribeArtifactSummary,
  DescribeBlock,
  DescribeField,
  DescribeRelation,
  Description,
  JsonObject,
  JsonValue,
  LineageEdge,
  LineageNode,
  RecordRef,
} from "../shapes";
import { statusName } from "../status";
import { recordLabel, recordRef } from "./record-ref";
import { lamindbText } from "./text";
import { artifactLabels, hostFeatures, type FeatureLine, type LabelLine } from "./annotations";

type Row = Record<string, unknown>;

/** The VS Code extension's record on a run it adopted from LaminDB: `_aux.lamin_vscode.adopted`. */
function adoptedByExtension(aux: unknown): boolean {
  const own = aux && typeof aux === "object" ? (aux as { lamin_vscode?: unknown }).lamin_vscode : undefined;
  return !!own && typeof own === "object" && (own as { adopted?: unknown }).adopted === true;
}
const PAGE = 20;

export interface DescribeOptions {
  include?: "comments";
}

/** A Description whose toString() is LaminDB's text layout. */
export type DescriptionResult = Description & { toString(): string };

async function relatedPage(
  instance: Instance,
  rel: Relation,
  owner: Row,
): Promise<{ rows: Row[]; total: number }> {
  const t = sql.ident(rel.target.table);
  let from: Fragment;
  if (rel.kind === "fk") {
    if (owner[rel.column] === null || owner[rel.column] === undefined) return { rows: [], total: 0 };
    from = sql`FROM ${t} x WHERE x.id = ${owner[rel.column]}`;
  } else if (rel.kind === "reverse") {
    from = sql`FROM ${t} x WHERE x.${sql.ident(rel.targetColumn)} = ${owner.id}`;
  } else {
    from = sql`FROM ${sql.ident(rel.link.table)} l JOIN ${t} x ON x.id = l.${sql.ident(rel.targetColumn)} WHERE l.${sql.ident(rel.sourceColumn)} = ${owner.id}`;
  }
  const rows = await instance.rows(sql`SELECT x.* ${from} ORDER BY x.id LIMIT ${PAGE}`);
  const total =
    rows.length < PAGE ? rows.length : toCount((await instance.rows(sql`SELECT count(*) AS n ${from}`))[0].n);
  return { rows, total };
}

function field(name: string, value: unknown, dtype: DescribeField["dtype"], ref?: RecordRef): DescribeField {
  const v = value instanceof Date ? value.toISOString() : (value ?? null);
  return { name, value: v as JsonValue, dtype, ...(ref ? { ref } : {}) };
}

const BRANCH_NAMES: Record<string, string> = { "-1": "trash", "0": "archive", "1": "main" };

async function nameOf(instance: Instance, table: string, id: unknown, column = "name"): Promise<string> {
  if (id === null || id === undefined) return "";
  const row = await instance.run((db) => db(table).select(column).where({ id }).first());
  return row ? String(row[column]) : String(id);
}

const RUN_LINEAGE: Array<{ relation: string; role: LineageNode["role"]; label: string }> = [
  { relation: "input_artifacts", role: "input", label: "input" },
  { relation: "input_collections", role: "input", label: "input" },
  { relation: "input_records", role: "input", label: "input" },
  { relation: "output_artifacts", role: "output", label: "output" },
  { relation: "recreated_artifacts", role: "output", label: "recreated" },
  { relation: "output_collections", role: "output", label: "output" },
  { relation: "recreated_collections", role: "output", label: "recreated" },
  { relation: "output_records", role: "output", label: "output" },
];

export async function describeRecord(
  model: ModelSpec,
  row: Row,
  instance: Instance,
  options: DescribeOptions = {},
): Promise<DescriptionResult> {
  const self = recordRef(model, row);
  const relations: DescribeRelation[] = [];
  const pages = new Map<string, { rows: Row[]; total: number; rel: Relation }>();
  for (const rel of relationsOf(model).values()) {
    if (rel.target.link || rel.name.startsWith("_") || rel.name === "ablocks") continue;
    const page = await relatedPage(instance, rel, row);
    pages.set(rel.name, { ...page, rel });
    if (isToMany(rel) && page.total > 0) {
      relations.push({
        name: rel.name,
        registry: rel.target.name,
        records: page.rows.map((r) => recordRef(rel.target, r)),
        total: page.total,
      });
    }
  }
  const refOf = (name: string): RecordRef | undefined => {
    const p = pages.get(name);
    return p && p.rows[0] ? recordRef(p.rel.target, p.rows[0]) : undefined;
  };

  const warnings: string[] = [];
  if (row.branch_id === -1) warnings.push("This record is in the trash: restore() brings it back.");
  if (row.branch_id === 0) warnings.push("This record is archived.");

  let fields: DescribeField[];
  let title: string;
  let params: JsonValue = null;
  let features: Description["features"] = [];
  const artifacts: DescribeArtifactSummary[] = [];
  let blocks: DescribeBlock[] = [];
  let lineage: Description["lineage"] = null;
  let status: Description["status"];
  let blockAuthors: string[] = [];
  let featureLines: FeatureLine[] | undefined;
  let labels: LabelLine[] = [];

  if (model.name === "Run") {
    const transform = pages.get("transform")?.rows[0];
    const version = transform
      ? ((transform.version_tag as string | null) ?? String(transform.uid).slice(-4))
      : "";
    title = `Run: ${recordLabel(model, row)} (${transform?.key ?? ""})`;
    status = statusName(Number(row._status_code));
    const createdBy = pages.get("created_by")?.rows[0];
    fields = [
      field("uid", row.uid, "uid"),
      field("transform", transform ? `${transform.key} (${version})` : "", "str", refOf("transform")),
      field("started_at", row.started_at, "datetime"),
      field("finished_at", row.finished_at, "datetime"),
      field("status", status, "status"),
      field("reference", row.reference, "str"),
      field(
        "branch",
        BRANCH_NAMES[String(row.branch_id)] ?? (await nameOf(instance, "lamindb_branch", row.branch_id)),
        "str",
      ),
      field("space", await nameOf(instance, "lamindb_space", row.space_id), "str"),
      field("created_at", row.created_at, "datetime"),
      field("created_by", createdBy?.handle ?? "", "str", refOf("created_by")),
    ];
    // LaminDB's own run (the notebook calls ln.track()), which the VS Code extension adopted
    if (adoptedByExtension(row._aux)) fields.push(field("tracked_by", "LaminDB (ln.track())", "str"));
    params = (row.params as JsonValue | undefined) ?? null;
    const values = await new FeatureManager({ id: Number(row.id), _instance: instance }).getValues();
    features = values.map((v) => ({
      name: v.name,
      dtype: categoricalRegistry(v.dtype) ?? v.dtype,
      value: v.value,
      categorical: v.categorical,
    }));
    for (const role of ["report", "environment", "plan"] as const) {
      const r = refOf(role);
      const a = pages.get(role)?.rows[0];
      if (r && a)
        artifacts.push({
          role,
          ref: r,
          preview: typeof a.description === "string" ? a.description.split("\n").slice(0, 4) : [],
        });
    }
    const nodes: LineageNode[] = [{ ...self, role: "self" }];
    const edges: LineageEdge[] = [];
    const key = (r: RecordRef) => `${r.registry}:${r.id}`;
    const initiator = refOf("initiated_by_run");
    if (initiator) {
      nodes.push({ ...initiator, role: "initiator" });
      edges.push({ from: key(initiator), to: key(self), label: "initiated" });
    }
    for (const l of RUN_LINEAGE) {
      for (const r of pages.get(l.relation)?.rows ?? []) {
        const ref = recordRef(pages.get(l.relation)!.rel.target, r);
        if (!nodes.some((n) => key(n) === key(ref))) nodes.push({ ...ref, role: l.role });
        edges.push(
          l.role === "input"
            ? { from: key(ref), to: key(self), label: l.label }
            : { from: key(self), to: key(ref), label: l.label },
        );
      }
    }
    lineage = { nodes, edges };
  } else {
    title = `${model.name}: ${recordLabel(model, row)}`;
    fields = [];
    for (const f of model.fields) {
      if (f.primary || f.name.startsWith("_") || f.type === "json") continue;
      fields.push(field(f.name, row[f.column], fieldDType(f)));
    }
    for (const fk of model.foreignKeys) {
      if (fk.name === "branch" || fk.name === "created_on" || fk.name === "space") continue;
      const ref = refOf(fk.name);
      fields.push(field(fk.name, ref ? ref.label : null, "str", ref));
    }
    if (model.name === "Artifact" || model.name === "Record") {
      featureLines = await hostFeatures(instance, model.name, Number(row.id));
      features = featureLines.map((f) => ({
        name: f.name,
        dtype: f.dtype,
        value: f.value,
        categorical: f.categorical,
      }));
    }
    if (model.name === "Artifact") labels = await artifactLabels(instance, Number(row.id));
    const json = model.fields.find((f) => f.name === "extra_data" || f.name === "value");
    if (json && row[json.column] && typeof row[json.column] === "object")
      params = row[json.column] as JsonObject;
    if (model.name === "Artifact") {
      const nodes: LineageNode[] = [{ ...self, role: "self" }];
      const edges: LineageEdge[] = [];
      const producer = refOf("run");
      if (producer) {
        nodes.push({ ...producer, role: "input" });
        edges.push({ from: `Run:${producer.id}`, to: `Artifact:${self.id}`, label: "output" });
      }
      for (const r of pages.get("input_of_runs")?.rows ?? []) {
        const ref = recordRef(pages.get("input_of_runs")!.rel.target, r);
        nodes.push({ ...ref, role: "output" });
        edges.push({ from: `Artifact:${self.id}`, to: `Run:${ref.id}`, label: "input" });
      }
      lineage = { nodes, edges };
    }
  }

  // append_readme_blocks_to_tree: every registry with `ablocks` (Schema.describe() does not call it)
  const ablocks = relationsOf(model).get("ablocks");
  if (ablocks && ablocks.kind === "reverse" && model.name !== "Schema") {
    const kinds = options.include === "comments" ? ["readme", "comment"] : ["readme"];
    const blockRows: Row[] = await instance.run((db) =>
      db(`${ablocks.target.table} as b`)
        .leftJoin("lamindb_user as u", "u.id", "b.created_by_id")
        .select("b.uid", "b.kind", "b.content", "b.created_at", "u.handle")
        .where({ [`b.${ablocks.targetColumn}`]: row.id })
        .whereIn("b.kind", kinds)
        .andWhere((q) => q.where({ "b.is_latest": true }).orWhere({ "b.kind": "comment" }))
        .orderBy([{ column: "b.created_at" }, { column: "b.id" }]),
    );
    blocks = blockRows.map((b) => ({
      uid: String(b.uid),
      kind: String(b.kind),
      content: String(b.content),
      created_at: b.created_at instanceof Date ? b.created_at.toISOString() : String(b.created_at),
    }));
    blockAuthors = blockRows.map((b) => (typeof b.handle === "string" ? b.handle : ""));
  }

  const base: Omit<Description, "text"> = {
    kind: "lamindb.describe",
    version: 1,
    registry: model.name,
    id: Number(row.id),
    uid: self.uid,
    title,
    ...(status ? { status } : {}),
    fields,
    relations,
    params,
    features,
    artifacts,
    blocks,
    lineage,
    warnings,
  };
  const text = await lamindbText(model, row, {
    instance,
    one: (name) => pages.get(name)?.rows[0],
    branchName:
      BRANCH_NAMES[String(row.branch_id)] ?? (await nameOf(instance, "lamindb_branch", row.branch_id)),
    spaceName: await nameOf(instance, "lamindb_space", row.space_id),
    features,
    featureLines,
    labels,
    blocks: blocks.map((b, i) => ({ ...b, created_by: blockAuthors[i] ?? "" })),
    runArtifacts: artifacts
      .filter((a) => a.role === "report" || a.role === "environment")
      .map((a) => ({ role: a.role, uid: a.ref.uid, lines: a.preview })),
  });
  const description: Description = { ...base, text };
  Object.defineProperty(description, "toString", { value: () => text, enumerable: false });
  return description as DescriptionResult;
}
