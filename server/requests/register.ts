// Registers every lamin/* request handler. Each runs through Database.read() (on the replica when
// there is one) or Database.write() (on the primary), so a database that is down gives a clear error
// (and a reconnect) instead of a hang.
import { statementCounts } from "../../db/index";
import type { Database } from "../connection/database";
import type { LaminInitializationOptions, LaminMethod, Params, Result } from "../protocol";
import { InvalidArgument } from "../../db/index";
import { WriteRefused, type Tracker } from "../tracking/tracker";
import { runSummaries, runSummary } from "../tracking/summaries";
import type { QueryCells } from "../evaluate/evaluate";
import { loadDemoData } from "../demo/load-demo";
import * as browse from "./browse";
import * as data from "./data";
import { parseQuery } from "../python/query-line";
import { transformKeys } from "./transform-keys";
import { laminCalls } from "../python/lamin-track";

function notebookUri(p: unknown): string {
  const uri = typeof p === "object" && p !== null ? (p as { notebookUri?: unknown }).notebookUri : undefined;
  if (typeof uri !== "string") throw new InvalidArgument("The request takes { notebookUri }");
  return uri;
}

type Handler<M extends LaminMethod> = (p: Params<M>) => Promise<Result<M>>;

export interface RequestHost {
  on<M extends LaminMethod>(method: M, handler: Handler<M>): void;
  db(): Database;
  tracker(): Tracker;
  options(): LaminInitializationOptions;
  cells(): QueryCells;
  afterEvaluate(): void;
}

/** What an untrusted workspace answers to every request that would write, before anything is read. */
export function refuseUntrusted(what: string): WriteRefused {
  return new WriteRefused(
    `This workspace is not trusted, so the LaminDB extension changes nothing in the database: ${what}. ` +
      "Trust the workspace (Workspaces: Manage Workspace Trust) to allow it.",
  );
}

export function registerRequests(host: RequestHost): void {
  const use = <T>(fn: () => Promise<T>) => host.db().read(fn);
  const refuse = (what: string) => {
    if (!host.options().trusted) throw refuseUntrusted(what);
  };
  const write = <T>(what: string, fn: () => Promise<T>) => {
    refuse(what);
    return host.db().write(fn);
  };

  host.on("lamin/status", async () => {
    const s = host.db().status();
    const replica = await host.db().replicaStatus();
    return {
      ...s,
      readOnly: !host.options().trusted,
      statements: statementCounts(),
      ...(replica ? { replica } : {}),
    };
  });
  host.on("lamin/track", async (p) => {
    refuse("runs are not recorded");
    return host.tracker().track(p);
  });
  host.on("lamin/recoverRuns", async (p) => {
    refuse("runs are not changed");
    const aborted = await host.tracker().recover(p.sessionId);
    // summaries read transforms through the registries: inside a database scope (no process default)
    return { aborted: await use(() => runSummaries(aborted)) };
  });
  host.on("lamin/runs", (p) => use(() => browse.runs(p)));
  host.on("lamin/run", (p) => use(() => browse.run(p)));
  host.on("lamin/activeRun", async (p) => {
    const run = host.tracker().activeRun(p.notebookUri);
    return run ? use(() => runSummary(run)) : null;
  });
  host.on("lamin/transforms", (p) => use(() => browse.transforms(p)));
  host.on("lamin/transformKeys", (p) => use(() => transformKeys(p)));
  host.on("lamin/registryCounts", () => use(() => browse.registryCounts()));
  host.on("lamin/records", (p) => use(() => browse.records(p)));
  host.on("lamin/search", (p) => use(() => browse.searchRecords(p)));
  host.on("lamin/describe", (p) => use(() => data.describeRecord(p)));
  host.on("lamin/toDataFrame", (p) => use(() => data.frame(p)));
  host.on("lamin/loadMore", (p) => use(() => data.loadMore(p)));
  host.on("lamin/parseQuery", (p) => parseQuery(p.text));
  host.on("lamin/ping", async () => ({ pid: process.pid }));
  host.on("lamin/laminCalls", (p) => laminCalls(p.code));
  host.on("lamin/delete", (p) => write("records are not deleted", () => data.deleteRecord(p)));
  host.on("lamin/restore", (p) => write("records are not restored", () => data.restoreRecord(p)));
  host.on("lamin/loadDemoData", async () => {
    refuse("demo data is not loaded");
    try {
      return await host.db().write((instance) => loadDemoData(instance));
    } finally {
      host.afterEvaluate(); // caches of values and diagnostics: the registries changed
    }
  });
  host.on("lamin/evaluate", async (p) => {
    // a cell may save records (here or on a connected instance): none runs in an untrusted workspace
    refuse("query cells are not evaluated");
    try {
      return await host.cells().evaluate(p);
    } finally {
      host.afterEvaluate();
    }
  });
  host.on("lamin/interruptCell", async (p) => ({
    interrupted: host.cells().interrupt(notebookUri(p)),
  }));
  host.on("lamin/restartKernel", async (p) => {
    host.cells().restart(notebookUri(p));
    return { ok: true };
  });
}
