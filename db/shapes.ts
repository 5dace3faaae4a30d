// The JSON shapes that db/ produces for the other parts: the describe() tree and the toDataFrame()
// table, and the run statuses they carry. renderer/ imports only this file (types, MIME names and the
// status table, nothing that reaches a database).

/** A JSON value as it crosses process and webview boundaries. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const DESCRIBE_MIME = "application/vnd.lamindb.describe+json";
export const DATAFRAME_MIME = "application/vnd.lamindb.dataframe+json";
export const DATARESOURCE_MIME = "application/vnd.dataresource+json";

/** How a renderer should format a cell or field. */
export type DType =
  | "int"
  | "float"
  | "str"
  | "bool"
  | "datetime" // ISO 8601 string with offset
  | "date" // YYYY-MM-DD
  | "json"
  | "uid"
  | "status" // a run status name: scheduled, restarted, started, completed, errored, aborted
  | "set"; // an aggregated to-many include: a JSON array of values

export type RunStatus = "scheduled" | "restarted" | "started" | "completed" | "errored" | "aborted";

/** Run status codes as in LaminDB (the seed page), stored as _status_code; also the lifecycle order. */
export const RUN_STATUS_CODES: Readonly<Record<RunStatus, number>> = {
  scheduled: -3,
  restarted: -2,
  started: -1,
  completed: 0,
  errored: 1,
  aborted: 2,
};
export const RUN_STATUSES = Object.keys(RUN_STATUS_CODES) as RunStatus[];

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === "string" && Object.hasOwn(RUN_STATUS_CODES, value);
}

/** A link to a record: enough to draw it and to ask the extension to open it. */
export interface RecordRef {
  registry: string; // "Run", "Artifact", ...
  id: number;
  uid: string;
  label: string; // name, key or a short uid
  status?: RunStatus;
}

export interface DescribeField {
  name: string;
  value: JsonValue;
  dtype: DType;
  ref?: RecordRef; // set when the field is a foreign key that can be opened
}

export interface DescribeRelation {
  name: string; // "input_artifacts"
  registry: string; // "Artifact"
  records: RecordRef[]; // the first page
  total: number;
}

export interface DescribeFeature {
  name: string;
  dtype: string; // LaminDB's dtype string without "cat[...]", e.g. "int", "Record"
  value: JsonValue;
  categorical: boolean;
}

export interface DescribeArtifactSummary {
  role: "report" | "environment" | "plan";
  ref: RecordRef;
  preview: string[]; // first lines of its content when known
}

export interface DescribeBlock {
  uid: string;
  kind: "readme" | "comment" | string;
  content: string;
  created_at: string;
}

export interface LineageNode extends RecordRef {
  role: "input" | "self" | "output" | "initiator";
}

export interface LineageEdge {
  from: string; // node key: `${registry}:${id}`
  to: string;
  label?: string; // "input", "output", "recreated", "initiated"
}

/** application/vnd.lamindb.describe+json */
export interface Description {
  kind: "lamindb.describe";
  version: 1;
  registry: string;
  id: number;
  uid: string;
  title: string; // "Run: 3kJx0aB (notebooks/qc.ipynb)"
  status?: RunStatus;
  fields: DescribeField[]; // drawn as a two-column table, filled pairwise
  relations: DescribeRelation[];
  /** Run.params: an object as LaminDB writes it, or any JSON value a client stored (a string, a list). */
  params: JsonValue;
  features: DescribeFeature[];
  artifacts: DescribeArtifactSummary[];
  blocks: DescribeBlock[];
  lineage: { nodes: LineageNode[]; edges: LineageEdge[] } | null;
  warnings: string[]; // e.g. "record is in the trash"
  text: string; // LaminDB's plain-text layout, for text/plain
}

/** application/vnd.lamindb.dataframe+json */
export interface DataFrame {
  kind: "lamindb.dataframe";
  version: 1;
  registry: string | null;
  columns: string[]; // in LaminDB's order, without the index
  dtypes: Record<string, DType>;
  index: { name: string; values: Array<number | string> };
  rows: JsonValue[][]; // row-major, aligned with `columns`
  total: number; // rows matching the query, or a lower bound of them when totalExact is false
  /** False when counting stopped at a bound (toDataFrame's default): more than `total` rows match. */
  totalExact: boolean;
  truncated: boolean; // rows.length + offset < total, or total is a lower bound
  offset: number;
  limit: number | null;
  /** Opaque token the renderer sends back (through messaging) to load the next page. */
  next?: { token: string; offset: number };
}

/** application/vnd.dataresource+json as pandas emits it (Table Schema). */
export interface DataResource {
  schema: {
    fields: Array<{ name: string; type: string; constraints?: JsonObject }>;
    primaryKey?: string[] | string;
    pandas_version?: string;
  };
  data: Array<Record<string, JsonValue>>;
}

/** Messages between a renderer and the extension (requiresMessaging: "optional"). */
export type RendererMessage =
  | { type: "openRecord"; ref: RecordRef }
  | { type: "loadMore"; token: string; offset: number; requestId: string };
export type ExtensionToRendererMessage =
  | { type: "rows"; requestId: string; frame: DataFrame }
  | { type: "error"; requestId: string; message: string };
