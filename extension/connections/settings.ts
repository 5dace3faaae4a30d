// Reads the extension's settings. Connection settings are user-level: a workspace cannot point the
// extension at another database (they are restrictedConfigurations, ignored in untrusted workspaces).
import * as vscode from "vscode";
import { QUERY_CELL_LIMITS, type QueryCellLimits } from "../../server/protocol";
import { Settings } from "../commands/ids";
import type { KeyConvention } from "../tracking/notebook-info";

export interface ConnectionSettings {
  /** The active PostgreSQL URL without password; empty: the embedded database. */
  postgresUrl: string;
  /** Named PostgreSQL instances (URLs without password). */
  instances: Record<string, string>;
  /** A direct URL to the same server (without password) for LISTEN when postgresUrl is a pooler's. */
  directUrl: string;
  /** A streaming replica of the same database (without password) that reads go to. */
  readUrl: string;
  /** The window's connection budget (package.json bounds the numbers; the server checks them again). */
  connections: { max: number; idleSeconds: number };
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

export function trackingEnabled(): boolean {
  return config().get<boolean>(Settings.trackingEnabled, true);
}

/** `lamindb.tracking.notebookKey` and `lamindb.tracking.devDir`: how notebooks' Transform keys are made. */
export function trackingKeyConvention(): KeyConvention {
  const mode =
    config().get<unknown>(Settings.trackingNotebookKey, "workspace") === "lamindb" ? "lamindb" : "workspace";
  const devDir = config().get<unknown>(Settings.trackingDevDir, "");
  return typeof devDir === "string" && devDir.trim() ? { mode, devDir: devDir.trim() } : { mode };
}

export function connectionSettings(): ConnectionSettings {
  const instances = config().get<Record<string, unknown>>(Settings.instances, {});
  const clean: Record<string, string> = {};
  for (const [name, url] of Object.entries(instances ?? {}))
    if (typeof url === "string" && url) clean[name] = url;
  return {
    postgresUrl: config().get<string>(Settings.postgresUrl, "").trim(),
    instances: clean,
    directUrl: config().get<string>(Settings.directUrl, "").trim(),
    readUrl: config().get<string>(Settings.readUrl, "").trim(),
    connections: {
      max: config().get<number>(Settings.maxConnections, 3),
      idleSeconds: config().get<number>(Settings.idleSeconds, 30),
    },
  };
}

/**
 * `lamindb.queryCells.*` as the user wrote them (settings.json may hold any JSON): the server checks
 * them and tells the user what it refused (its default then holds).
 */
export function queryCellLimits(): QueryCellLimits {
  return {
    timeoutSeconds: config().get<number>(
      Settings.queryCellTimeout,
      QUERY_CELL_LIMITS.defaults.timeoutSeconds,
    ),
    memoryMb: config().get<number>(Settings.queryCellMemory, QUERY_CELL_LIMITS.defaults.memoryMb),
  };
}

export function affectsQueryCellLimits(e: vscode.ConfigurationChangeEvent): boolean {
  return (
    e.affectsConfiguration(`${Settings.section}.${Settings.queryCellTimeout}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.queryCellMemory}`)
  );
}

export async function setTrackingEnabled(on: boolean): Promise<void> {
  await config().update(Settings.trackingEnabled, on, vscode.ConfigurationTarget.Global);
}

export async function setActivePostgres(url: string, name?: string): Promise<void> {
  if (name) {
    const instances = { ...connectionSettings().instances, [name]: url };
    await config().update(Settings.instances, instances, vscode.ConfigurationTarget.Global);
  }
  await config().update(Settings.postgresUrl, url, vscode.ConfigurationTarget.Global);
}

export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return (
    e.affectsConfiguration(`${Settings.section}.${Settings.postgresUrl}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.instances}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.directUrl}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.readUrl}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.maxConnections}`) ||
    e.affectsConfiguration(`${Settings.section}.${Settings.idleSeconds}`)
  );
}

export async function setDirectUrlSetting(url: string): Promise<void> {
  await config().update(Settings.directUrl, url, vscode.ConfigurationTarget.Global);
}

export async function setReadUrlSetting(url: string): Promise<void> {
  await config().update(Settings.readUrl, url, vscode.ConfigurationTarget.Global);
}
