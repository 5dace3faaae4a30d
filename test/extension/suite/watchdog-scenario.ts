// The watchdog in the real extension host: the language server is SIGKILLed more often than the
// language client restarts it (five closes in three minutes, then it gives up), each time waiting
// until a new server process answers lamin/ping. A notebook executed while the server is down is
// queued on disk and becomes a run once the watchdog has the server back; the user is told once.
import * as vscode from "vscode";
import assert from "node:assert/strict";
import type { LaminExtensionApi } from "../../../extension/api";
import type { RunSummary, TrackEvent } from "../../../server/protocol";
import { waitFor, type TestFn } from "./harness";
import { openNotebook, testKernel } from "./notebooks";

const KILLS = 7;

/** What a timeout says: where the server and the watchdog were when the wait gave up. */
function serverState(api: LaminExtensionApi): string {
  const s = api.server;
  return `state ${s.state}, recovering ${s.recovering}, restarts ${s.restarts}, hangs ${s.hangs}`;
}

/** The pid of a server that answers lamin/ping and is not `old` (the request never starts one). */
function answeringServer(api: LaminExtensionApi, old: number | undefined, what: string): Promise<number> {
  return waitFor(
    what,
    async () => {
      if (api.server.state !== "running") return undefined;
      const { pid } = await api.server.ping();
      return pid !== old ? pid : undefined;
    },
    120_000,
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; then: ${serverState(api)}`);
  });
}

export function watchdogScenario(
  api: LaminExtensionApi,
  ws: string,
  delivered: TrackEvent[],
  seededLabels: string[],
): [string, TestFn] {
  return [
    `watchdog: the server SIGKILLed ${KILLS} times in a row comes back each time; the user is told once; a notebook run while it was down is recorded`,
    async () => {
      const nb = await openNotebook(ws, "notebooks/watchdog.ipynb", "test");
      const kernel = await testKernel();
      const uri = nb.uri.toString();
      const warnedBefore = api.server.warningsShown;
      const restartsBefore = api.server.restarts;
      let pid = await answeringServer(api, undefined, "the server answers lamin/ping");
      let executedWhileDown = false;
      for (let kill = 1; kill <= KILLS; kill++) {
        process.kill(pid, "SIGKILL");
        // the language client restarts it at once, until it gives up: then no server runs until the
        // watchdog's restart (after a backoff), and the notebook runs in that gap
        const next = await waitFor(
          `kill ${kill}: the server restarted by the client, or the watchdog's turn`,
          async () => {
            if (api.server.recovering) return "watchdog";
            if (api.server.state !== "running") return undefined;
            const answer = await api.server.ping().catch(() => undefined);
            return answer && answer.pid !== pid ? "back" : undefined;
          },
          120_000,
        ).catch((e: unknown) => {
          throw new Error(`${String(e)}; then: ${serverState(api)}`);
        });
        if (next === "watchdog" && !executedWhileDown) {
          executedWhileDown = true;
          await kernel.execute(nb, nb.getCells());
          await waitFor(
            "the notebook's events wait in the queue while no server runs",
            () => api.tracking.pending > 0 && api.server.recovering && api.server.state !== "running",
          );
        }
        pid = await answeringServer(api, pid, `kill ${kill}: a new server process answers lamin/ping`);
      }
      assert.ok(executedWhileDown, "the language client gave up once (the watchdog's turn)");
      assert.ok(api.server.restarts - restartsBefore >= KILLS, `restarts: ${api.server.restarts}`);
      assert.equal(warnedBefore, 0, "no warning before the first kill");
      assert.equal(api.server.warningsShown, 1, "the user was told once");

      // serving again: the queued events replayed into a run, and a registry completion
      const run = await waitFor(
        "the run of the notebook executed while the server was down",
        async () => {
          await api.tracking.flush();
          const r: RunSummary | null = await api.request("lamin/activeRun", { notebookUri: uri });
          return r?.status === "completed" ? r : undefined;
        },
        60_000,
      );
      assert.ok(
        delivered.some((e) => e.type === "cellFinished" && e.notebook.uri === uri),
        "the cell's event was delivered after the restart",
      );
      assert.equal(api.tracking.pending, 0);
      assert.equal(run.transform.key, "notebooks/watchdog.ipynb");
      const status = await api.request("lamin/status", {});
      assert.equal(status.connected, true, JSON.stringify(status));
      const complete = await openNotebook(ws, "notebooks/complete.ipynb", "test");
      const cell = complete.cellAt(0).document;
      await waitFor("a registry completion from the restarted server", async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          "vscode.executeCompletionItemProvider",
          cell.uri,
          cell.lineAt(cell.lineCount - 1).range.end,
          '"',
        );
        const got = list.items.map((i) => (typeof i.label === "string" ? i.label : i.label.label));
        return seededLabels.every((l) => got.includes(l));
      });
    },
  ];
}
