// Registers every command; errors become one message with a next step instead of a silent failure.
import * as vscode from "vscode";
import { connectPostgres, setDirectUrl, setReadUrl, switchInstance } from "../connections/commands";
import { type Passwords, setTrackingEnabled, trackingEnabled } from "../connections";
import type { LaminServer } from "../client/server";
import type { Tracking } from "../tracking/tracking";
import { type CommandId, Commands } from "./ids";
import { inspectHandlers, type InspectDeps } from "./inspect";
import { loadDemoData } from "./demo-data";
import type { RunDescriptions } from "./run-descriptions";
import { showRun } from "./show-run";

export interface CommandDeps {
  server: LaminServer;
  descriptions: RunDescriptions;
  passwords: Passwords;
  log: vscode.LogOutputChannel;
  tracking: () => Tracking | undefined;
  inspect: Omit<InspectDeps, "server">;
}

type InspectCommandId = Exclude<
  CommandId,
  | typeof Commands.connectPostgres
  | typeof Commands.switchInstance
  | typeof Commands.setDirectUrl
  | typeof Commands.setReadUrl
  | typeof Commands.showRun
  | typeof Commands.toggleTracking
  | typeof Commands.retryQueue
  | typeof Commands.restartServer
  | typeof Commands.showLog
  | typeof Commands.loadDemoData
  | typeof Commands.restartQueryKernel
>;

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { server, passwords, log } = deps;
  const restart = () => server.restart();
  const handlers: Record<CommandId, (...args: unknown[]) => unknown> = {
    ...(inspectHandlers({ server, ...deps.inspect }) as Record<
      InspectCommandId,
      (...args: unknown[]) => unknown
    >),
    [Commands.connectPostgres]: () => connectPostgres(passwords, restart),
    [Commands.switchInstance]: () => switchInstance(passwords, restart),
    [Commands.setDirectUrl]: () => setDirectUrl(passwords, restart),
    [Commands.setReadUrl]: () => setReadUrl(passwords, restart),
    [Commands.showRun]: (uid) =>
      showRun(server, deps.descriptions, typeof uid === "string" ? uid : undefined),
    [Commands.toggleTracking]: async () => {
      const on = !trackingEnabled();
      await setTrackingEnabled(on);
      void vscode.window.showInformationMessage(`LaminDB: notebook tracking ${on ? "on" : "off"}.`);
    },
    [Commands.retryQueue]: async () => {
      await server.start();
      await deps.tracking()?.flush();
      const left = deps.tracking()?.pending ?? 0;
      void vscode.window.showInformationMessage(
        left ? `LaminDB: ${left} event(s) still queued; see the log.` : "LaminDB: every queued run was sent.",
      );
    },
    [Commands.restartServer]: restart,
    [Commands.showLog]: () => log.show(),
    [Commands.loadDemoData]: () => loadDemoData(server),
    [Commands.restartQueryKernel]: (uri) => {
      // from the notebook toolbar (the notebook's URI) or the palette (the active notebook)
      const nb =
        (uri instanceof vscode.Uri
          ? vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString())
          : undefined) ?? vscode.window.activeNotebookEditor?.notebook;
      if (!nb) throw new Error("open a notebook to restart its query kernel");
      return server.request("lamin/restartKernel", { notebookUri: nb.uri.toString() });
    },
  };
  return Object.entries(handlers).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log.error(`${id}: ${message}`);
        // not awaited: the command ends now, not when the user dismisses the message (a caller of
        // executeCommand would wait on it)
        void vscode.window.showErrorMessage(`LaminDB: ${message}`, "Show log").then((pick) => {
          if (pick) log.show();
        });
        return undefined;
      }
    }),
  );
}
