// Every command id the extension registers, in one place (package.json contributes the same ids).
export const Commands = {
  connectPostgres: "lamindb.connectPostgres",
  switchInstance: "lamindb.switchInstance",
  setDirectUrl: "lamindb.setDirectUrl",
  setReadUrl: "lamindb.setReadUrl",
  showRun: "lamindb.showRun",
  toggleTracking: "lamindb.toggleTracking",
  retryQueue: "lamindb.retryQueuedEvents",
  restartServer: "lamindb.restartServer",
  showLog: "lamindb.showLog",
  loadDemoData: "lamindb.loadDemoData",
  // sidebar, panels and the query kernel (docs/extension.md "Inspecting runs")
  refreshViews: "lamindb.refreshViews",
  describe: "lamindb.describe",
  openNotebook: "lamindb.openNotebook",
  copyUid: "lamindb.copyUid",
  trash: "lamindb.trash",
  restore: "lamindb.restore",
  deletePermanently: "lamindb.deletePermanently",
  filterStatus: "lamindb.runs.filterStatus",
  groupBy: "lamindb.runs.groupBy",
  toggleTrash: "lamindb.runs.toggleTrash",
  search: "lamindb.search",
  openExplorer: "lamindb.openRunsExplorer",
  restartQueryKernel: "lamindb.restartQueryKernel",
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The URI scheme of a run's describe() notebook (read-only; commands/run-descriptions.ts). */
export const DESCRIBE_SCHEME = "lamindb-describe";

/** Settings keys (section "lamindb"). */
export const Settings = {
  section: "lamindb",
  trackingEnabled: "tracking.enabled",
  trackingExclude: "tracking.exclude",
  trackingNotebookKey: "tracking.notebookKey",
  trackingDevDir: "tracking.devDir",
  postgresUrl: "postgres.url",
  directUrl: "postgres.directUrl",
  readUrl: "postgres.readUrl",
  maxConnections: "postgres.maxConnections",
  idleSeconds: "postgres.idleSeconds",
  instances: "instances",
  queryCellTimeout: "queryCells.timeoutSeconds",
  queryCellMemory: "queryCells.memoryMb",
} as const;

/** View ids, the view container id and the context keys the views' menus read. */
export const Views = {
  container: "lamindb",
  runs: "lamindb.runs",
  transforms: "lamindb.transforms",
  registries: "lamindb.registries",
} as const;

export const ContextKeys = {
  groupBy: "lamindb.runs.groupBy",
  statusFilter: "lamindb.runs.filtered",
  showTrash: "lamindb.runs.showTrash",
} as const;
