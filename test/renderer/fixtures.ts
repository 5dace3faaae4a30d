// Test data: a full Run description, dataframes, a pandas Table Schema bundle and the XSS corpus.
import type {
  DataFrame,
  DataResource,
  Description,
  JsonObject,
  JsonValue,
  LineageNode,
} from "../../db/shapes";

const ref = (registry: string, id: number, uid: string, label: string, status?: LineageNode["status"]) => ({
  registry,
  id,
  uid,
  label,
  ...(status ? { status } : {}),
});

export function runDescription(): Description {
  const inputs: LineageNode[] = [
    { ...ref("Artifact", 11, "aB3xYz0123456789wxyz", "raw/counts.h5ad"), role: "input" },
    { ...ref("Artifact", 12, "cD4xYz0123456789wxyz", "raw/metadata.csv"), role: "input" },
  ];
  const outputs: LineageNode[] = [
    { ...ref("Artifact", 21, "eF5xYz0123456789wxyz", "processed/qc_filtered.h5ad"), role: "output" },
    { ...ref("Artifact", 22, "gH6xYz0123456789wxyz", "figures/umap.png"), role: "output" },
  ];
  const self: LineageNode = { ...ref("Run", 7, "3kJx0aB1cD2eF3gH", "qc.ipynb", "completed"), role: "self" };
  return {
    kind: "lamindb.describe",
    version: 1,
    registry: "Run",
    id: 7,
    uid: "3kJx0aB1cD2eF3gH",
    title: "Run: 3kJx0aB (notebooks/qc.ipynb)",
    status: "completed",
    fields: [
      { name: "uid", value: "3kJx0aB1cD2eF3gH", dtype: "uid" },
      {
        name: "transform",
        value: "notebooks/qc.ipynb (v2)",
        dtype: "str",
        ref: ref("Transform", 3, "Tr4nsf0rm0000000", "notebooks/qc.ipynb"),
      },
      { name: "started_at", value: "2025-03-04T09:15:02.123+00:00", dtype: "datetime" },
      { name: "finished_at", value: "2025-03-04T09:17:45.000+00:00", dtype: "datetime" },
      { name: "status", value: "completed", dtype: "status" },
      { name: "reference", value: null, dtype: "str" },
      { name: "branch", value: "main", dtype: "str" },
      { name: "space", value: "all", dtype: "str" },
      { name: "created_at", value: "2025-03-04T09:15:02.000+00:00", dtype: "datetime" },
      { name: "created_by", value: "falexwolf", dtype: "str", ref: ref("User", 1, "Us3r0001", "falexwolf") },
    ],
    relations: [
      {
        name: "input_artifacts",
        registry: "Artifact",
        records: inputs.map(({ role: _r, ...r }) => r),
        total: 5,
      },
      {
        name: "output_artifacts",
        registry: "Artifact",
        records: outputs.map(({ role: _r, ...r }) => r),
        total: 2,
      },
      {
        name: "initiated_runs",
        registry: "Run",
        records: [ref("Run", 8, "9zYx8wVu7tSr6qPo", "train.py", "errored")],
        total: 1,
      },
    ],
    params: {
      learning_rate: 0.001,
      epochs: 20,
      use_gpu: false,
      model: { name: "scvi", layers: [128, 64], dropout: 0.1, extra: null },
      tags: ["qc", "pbmc"],
    },
    features: [
      { name: "cell_type", dtype: "Record", value: ["T cell", "B cell"], categorical: true },
      { name: "n_cells", dtype: "int", value: 10423, categorical: false },
      { name: "qc_passed", dtype: "bool", value: true, categorical: false },
    ],
    artifacts: [
      {
        role: "report",
        ref: ref("Artifact", 31, "rEp0rt0123456789abcd", "run report"),
        preview: ["<html>", "  <h1>qc</h1>"],
      },
      {
        role: "environment",
        ref: ref("Artifact", 32, "eNv0000123456789abcd", "environment"),
        preview: ["anndata==0.11.3", "scanpy==1.10.4"],
      },
    ],
    blocks: [
      {
        uid: "bl0ck001",
        kind: "readme",
        content: "# QC\n\nFilters cells with **fewer** than 200 genes.",
        created_at: "2025-03-04T10:00:00+00:00",
      },
    ],
    lineage: {
      nodes: [...inputs, self, ...outputs],
      edges: [
        ...inputs.map((n) => ({ from: `Artifact:${n.id}`, to: "Run:7", label: "input" })),
        ...outputs.map((n) => ({ from: "Run:7", to: `Artifact:${n.id}`, label: "output" })),
      ],
    },
    warnings: ["record is in the trash"],
    text: "Run: 3kJx0aB (notebooks/qc.ipynb)",
  };
}

/** The smallest Description the shapes allow: every optional part empty or null. */
export function minimalDescription(): Description {
  return {
    kind: "lamindb.describe",
    version: 1,
    registry: "Transform",
    id: 1,
    uid: "Tr4nsf0rm0000000",
    title: "Transform: qc.ipynb",
    fields: [],
    relations: [],
    params: null,
    features: [],
    artifacts: [],
    blocks: [],
    lineage: null,
    warnings: [],
    text: "",
  };
}

const STATUSES = ["completed", "errored", "started", "aborted", "scheduled", "restarted"] as const;

/** `totalExact: false` makes `total` a lower bound, as the server's bounded count sends it. */
export function runsFrame(n: number, total = n, next?: DataFrame["next"], totalExact = true): DataFrame {
  const rows: JsonValue[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push([
      `uid${String(i).padStart(13, "0")}`,
      `run ${String(i % 97).padStart(2, "0")}`,
      STATUSES[i % STATUSES.length] as string,
      new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
      i % 7 === 0 ? null : (i * 37) % 1000,
      i % 2 === 0,
      i % 5 === 0 ? { lr: i / 1000, layers: [i, i + 1], note: `row ${i}` } : null,
    ]);
  }
  return {
    kind: "lamindb.dataframe",
    version: 1,
    registry: "Run",
    columns: ["uid", "name", "status", "started_at", "score", "is_latest", "params"],
    dtypes: {
      uid: "uid",
      name: "str",
      status: "status",
      started_at: "datetime",
      score: "int",
      is_latest: "bool",
      params: "json",
    },
    index: { name: "id", values: rows.map((_, i) => i + 1) },
    rows,
    total,
    totalExact,
    truncated: !totalExact || total > n,
    offset: 0,
    limit: !totalExact || total > n ? n : null,
    ...(next ? { next } : {}),
  };
}

/** What pandas emits for `df.head()` with `pd.options.display.html.table_schema = True`. */
export function pandasResource(): DataResource {
  return {
    schema: {
      fields: [
        { name: "index", type: "integer" },
        { name: "gene", type: "string" },
        { name: "mean", type: "number" },
        { name: "highly_variable", type: "boolean" },
        { name: "measured", type: "datetime" },
        { name: "meta", type: "string" },
      ],
      primaryKey: ["index"],
      pandas_version: "1.4.0",
    },
    data: [
      {
        index: 0,
        gene: "CD3E",
        mean: 1.234567891,
        highly_variable: true,
        measured: "2024-05-01T12:00:00.000",
        meta: "a",
      },
      {
        index: 1,
        gene: "MS4A1",
        mean: 0.5,
        highly_variable: false,
        measured: "2024-05-02T12:00:00.000",
        meta: null,
      },
      { index: 2, gene: "NKG7", mean: 12, highly_variable: true, measured: null, meta: "c" },
    ],
  };
}

/** Payloads that would run (window.__xss++) if any value reached the DOM as HTML or as a URL. */
export const XSS_PAYLOADS: string[] = [
  "<img src=x onerror=window.__xss++>",
  "</script><script>window.__xss++</script>",
  '"><svg onload=window.__xss++>',
  "javascript:window.__xss++",
  '<a href="javascript:window.__xss++">click</a>',
  '<iframe srcdoc="<script>parent.__xss++</script>"></iframe>',
  "' onmouseover='window.__xss++' data-x='",
  '" autofocus onfocus="window.__xss++" x="',
  "<svg><script>window.__xss++</script></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss++>",
  "<details open ontoggle=window.__xss++>",
  "<body onload=window.__xss++>",
  "<input autofocus onfocus=window.__xss++>",
  '<object data="javascript:window.__xss++"></object>',
  "<video><source onerror=window.__xss++></video>",
  "]]><img src=x onerror=window.__xss++><!--",
  "<style>*{background:url(javascript:window.__xss++)}</style>",
  "\u2028\u2029<script>window.__xss++</script>",
  "{{constructor.constructor('window.__xss++')()}}",
  "data:text/html,<script>parent.__xss++</script>",
  "<marquee onstart=window.__xss++>x</marquee>",
  "`${window.__xss++}`",
];

/** A Description where every string a user can influence holds `p`. */
export function xssDescription(p: string): Description {
  const r = { registry: "Artifact", id: 2, uid: p, label: p };
  const params: JsonObject = { [p]: p, nested: { [p]: [p, { [p]: p }] } };
  return {
    kind: "lamindb.describe",
    version: 1,
    registry: p,
    id: 1,
    uid: p,
    title: p,
    fields: [
      { name: p, value: p, dtype: "str" },
      { name: "uid", value: p, dtype: "uid" },
      { name: "when", value: p, dtype: "datetime" },
      { name: "status", value: p, dtype: "status" },
      { name: "link", value: p, dtype: "str", ref: r },
      { name: "json", value: { [p]: p }, dtype: "json" },
    ],
    relations: [{ name: p, registry: p, records: [r, { ...r, id: 3 }], total: 3 }],
    params,
    features: [
      { name: p, dtype: p, value: p, categorical: false },
      { name: "labels", dtype: "Record", value: [p, p], categorical: true },
    ],
    artifacts: [{ role: "report", ref: r, preview: [p, p] }],
    blocks: [{ uid: p, kind: "readme", content: p, created_at: p }],
    lineage: {
      nodes: [
        { registry: "Artifact", id: 2, uid: p, label: p, role: "input" },
        { registry: "Run", id: 1, uid: p, label: p, role: "self" },
        { registry: "Artifact", id: 3, uid: p, label: p, role: "output" },
      ],
      edges: [
        { from: "Artifact:2", to: "Run:1", label: p },
        { from: "Run:1", to: "Artifact:3", label: p },
      ],
    },
    warnings: [p],
    text: p,
  };
}

export function xssFrame(p: string): DataFrame {
  return {
    kind: "lamindb.dataframe",
    version: 1,
    registry: p,
    columns: [p, "uid", "status", "when", "json"],
    dtypes: { [p]: "str", uid: "uid", status: "status", when: "datetime", json: "json" },
    index: { name: p, values: [p, "b"] },
    rows: [
      [p, p, p, p, { [p]: p }],
      [p, p, "completed", p, [p]],
    ],
    total: 2,
    totalExact: true,
    truncated: false,
    offset: 0,
    limit: null,
  };
}

export function xssResource(p: string): DataResource {
  return {
    schema: {
      fields: [
        { name: p, type: "string" },
        { name: "any", type: "any" },
      ],
      primaryKey: p,
    },
    data: [
      { [p]: p, any: { [p]: p } },
      { [p]: `${p}2`, any: p },
    ],
  };
}

/**
 * Source of a page-side generator for big frames (evaluated in Chromium, so 100,000 rows never cross
 * the DevTools protocol). Same columns as runsFrame.
 */
export const MAKE_FRAME_JS = `(n) => {
  const statuses = ["completed", "errored", "started", "aborted", "scheduled", "restarted"];
  const rows = new Array(n);
  const index = new Array(n);
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    index[i] = i + 1;
    rows[i] = [
      "uid" + String(i).padStart(13, "0"),
      "run " + String(i % 97).padStart(2, "0") + " of experiment " + (i % 13),
      statuses[i % 6],
      new Date(t0 + i * 1000).toISOString(),
      i % 7 === 0 ? null : (i * 37) % 1000,
      i % 2 === 0,
      i % 5 === 0 ? { lr: i / 1000, layers: [i, i + 1] } : null,
    ];
  }
  return {
    kind: "lamindb.dataframe", version: 1, registry: "Run",
    columns: ["uid", "name", "status", "started_at", "score", "is_latest", "params"],
    dtypes: { uid: "uid", name: "str", status: "status", started_at: "datetime", score: "int", is_latest: "bool", params: "json" },
    index: { name: "id", values: index }, rows, total: n, totalExact: true, truncated: false, offset: 0, limit: null,
  };
}`;
