// The tracker's notebook sessions: one per (VS Code session, notebook), each with its current run.
// Live ones are kept in memory; one this process does not hold (the server restarted, or a later
// window replays an earlier session's queue) is picked up from the database, where the run's
// _aux.lamin_vscode holds everything needed. Looking a VS Code session's runs up costs one query,
// the first time that session is seen.
import type { Instance, Run, Transform } from "../../db/index";
import { runsAll, transformsAll } from "../data/typed";
import { auxOf, type TrackingAux } from "./run-state";

export interface Session {
  key: string;
  run: Run;
  transform: Transform;
  aux: TrackingAux;
}

export function sessionKey(sessionId: string, notebookUri: string): string {
  return `${sessionId}\u0000${notebookUri}`;
}

export class Sessions {
  private readonly live = new Map<string, Session>();
  /** Per VS Code session: notebook uri -> the id of its latest run in the database. */
  private readonly stored = new Map<string, Map<string, number>>();

  /** The session's current run, from memory or else from the database; none once it ended. */
  async get(instance: Instance, sessionId: string, notebookUri: string): Promise<Session | undefined> {
    const key = sessionKey(sessionId, notebookUri);
    const live = this.live.get(key);
    if (live) return live;
    const runId = (await this.storedRuns(instance, sessionId)).get(notebookUri);
    if (runId === undefined) return undefined;
    const run = await runsAll().filter({ id: runId }).first();
    const aux = run ? auxOf(run) : undefined;
    const transform = run ? await transformsAll().filter({ id: run.transform_id }).first() : null;
    if (!run || !aux || aux.ended || !transform) {
      this.stored.get(sessionId)?.delete(notebookUri);
      return undefined;
    }
    const session = { key, run, transform, aux: { ...aux, cells: aux.cells.map((c) => ({ ...c })) } };
    this.live.set(key, session);
    return session;
  }

  /** The live session's run, if this process holds one. */
  liveRun(sessionId: string, notebookUri: string): Run | undefined {
    return this.live.get(sessionKey(sessionId, notebookUri))?.run;
  }

  owning(run: Run): Session | undefined {
    for (const s of this.live.values()) if (s.run === run) return s;
    return undefined;
  }

  /** A new run for the notebook: it replaces any earlier one of the session. */
  add(session: Session): void {
    this.live.set(session.key, session);
    this.stored.get(session.aux.sessionId)?.set(session.aux.notebookUri, Number(session.run.id));
  }

  /** The session ended (kernel restart, notebook closed): its run is never picked up again. */
  end(session: Session): void {
    this.live.delete(session.key);
    this.stored.get(session.aux.sessionId)?.delete(session.aux.notebookUri);
  }

  /** Forgets what memory holds of a session, so the next event reads the database's state. */
  drop(key: string): void {
    this.live.delete(key);
  }

  private async storedRuns(instance: Instance, sessionId: string): Promise<Map<string, number>> {
    const known = this.stored.get(sessionId);
    if (known) return known;
    const rows = (await instance.run(async (db) =>
      db("lamindb_run")
        .select("id", db.raw("_aux->'lamin_vscode'->>'notebookUri' AS uri"))
        .where("created_by_id", instance.userId)
        .whereRaw("_aux->'lamin_vscode'->>'sessionId' = ?", [sessionId])
        .orderBy("id"),
    )) as Array<{ id: number | string; uri: string | null }>;
    const byUri = new Map<string, number>();
    for (const r of rows) if (r.uri) byUri.set(r.uri, Number(r.id));
    this.stored.set(sessionId, byUri);
    return byUri;
  }
}
