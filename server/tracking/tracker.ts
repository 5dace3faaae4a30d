// lamin/track: notebook execution events in, runs out (the rules are in docs/tracking.md).
// One run per kernel session of a notebook (per VS Code session): it starts with the first execution
// after the notebook opened or its kernel restarted, is "completed" or "errored" whenever execution
// goes idle, resumes ("started" again) when more cells run in the same session, and is "aborted" by a
// restart or close that interrupts an execution. A changed notebook source at the start of an
// execution burst makes a new Transform version and a new run.
import { hashString, Run, Transform, type Instance } from "../../db/index";
import type { CellTiming, NotebookInfo, RunSummary, TrackEvent, TrackResult } from "../protocol";
import { runsAll } from "../data/typed";
import { parseParameters } from "../python/parameters";
import { auxOf, cellsSummary, newAux, setAux, type CellRecord } from "./run-state";
import { EventsLog } from "./events-log";
import { sessionKey, Sessions, type Session } from "./sessions";
import { SourceStore, type WithSource } from "./sources";
import { knownRunSummary, runSummary } from "./summaries";

const STARTED = -1;
const COMPLETED = 0;
const ERRORED = 1;
const ABORTED = 2;

export interface TrackerHooks {
  /** Runs fn with the open database; a connection failure marks the database down. */
  use<T>(fn: (instance: Instance) => Promise<T>): Promise<T>;
  sessionId: string;
  trusted: boolean;
  userHandle: string;
  /** Called after each write, for caches and the lamin/runChanged notification. */
  changed(run: RunSummary, change: "created" | "updated"): void;
}

export class WriteRefused extends Error {
  override name = "WriteRefused";
}

const busy = (s: Session) => s.run._status_code === STARTED;

export class Tracker {
  private readonly sessions = new Sessions();
  private readonly log = new EventsLog();
  private readonly sources = new SourceStore();
  private queue: Promise<unknown> = Promise.resolve();
  /** key + source hash -> the Transform save() resolved them to (saves a transaction per run). */
  private readonly transforms = new Map<string, Transform>();

  constructor(private readonly hooks: TrackerHooks) {}

  /** Drops cached transforms (another process may have changed or deleted them). */
  forgetTransforms(): void {
    this.transforms.clear();
  }

  /** Events are applied one at a time, in arrival order. */
  track(received: TrackEvent): Promise<TrackResult> {
    let event: TrackEvent;
    try {
      // the source by its hash, before anything is claimed or written (SourceUnknown: send it again)
      event =
        "notebook" in received
          ? { ...received, notebook: this.sources.resolve(received.notebook) }
          : received;
    } catch (e) {
      return Promise.reject(e);
    }
    const next = this.queue.then(() => {
      if (!this.hooks.trusted) {
        throw new WriteRefused(
          "This workspace is not trusted: the LaminDB extension records no runs here. Trust the workspace to track runs.",
        );
      }
      return this.hooks.use((instance) => this.apply(instance, event));
    });
    this.queue = next.catch(() => {});
    return next;
  }

  /** The run this server holds for a notebook of its own VS Code session. */
  activeRun(notebookUri: string): Run | undefined {
    return this.sessions.liveRun(this.hooks.sessionId, notebookUri);
  }

  private sessionOf(event: TrackEvent): string {
    return typeof event.sessionId === "string" && event.sessionId ? event.sessionId : this.hooks.sessionId;
  }

  private async apply(instance: Instance, event: TrackEvent): Promise<TrackResult> {
    if (!(await this.log.claim(instance, event.eventId))) {
      const runId = await this.log.runOf(instance, event.eventId);
      const run = runId === null ? null : await runsAll().filter({ id: runId }).first();
      return { run: run ? await runSummary(run) : null, duplicate: true };
    }
    const sessionId = this.sessionOf(event);
    try {
      const changed = await this.dispatch(instance, sessionId, event);
      await this.log.settle(instance, event.eventId, changed ? Number(changed.run.id) : null);
      if (!changed) return { run: null, duplicate: false };
      const session = this.sessions.owning(changed.run);
      const summary = session
        ? knownRunSummary(changed.run, session.transform, this.hooks.userHandle)
        : await runSummary(changed.run);
      this.hooks.changed(summary, changed.created ? "created" : "updated");
      return { run: summary, duplicate: false };
    } catch (e) {
      // what memory holds of the session may be ahead of the database now: read it back next time
      this.sessions.drop(sessionKey(sessionId, "notebook" in event ? event.notebook.uri : event.notebookUri));
      await this.log.release(instance, event.eventId);
      throw e;
    }
  }

  private async dispatch(
    instance: Instance,
    sessionId: string,
    event: TrackEvent,
  ): Promise<{ run: Run; created: boolean } | undefined> {
    switch (event.type) {
      case "cellStarted": {
        const { session, created } = await this.ensureRun(
          instance,
          sessionId,
          withSource(event.notebook),
          event.cell.executionOrder,
          event.cell.startTime ?? event.at,
        );
        session.aux.cells.push({
          index: event.cell.index,
          executionOrder: event.cell.executionOrder,
          startTime: event.cell.startTime,
        });
        if (!created) await this.save(session); // a resumed run: status back to started
        return { run: session.run, created };
      }
      case "cellFinished": {
        const { session, created } = await this.ensureRun(
          instance,
          sessionId,
          withSource(event.notebook),
          undefined,
          event.cell.startTime ?? event.at,
        );
        recordEnd(session, event.cell, { success: event.cell.success });
        if (!event.cell.success) session.aux.failed = true;
        await this.save(session);
        return { run: session.run, created };
      }
      case "cellCancelled": {
        // a cancellation alone starts nothing; it is noted on the run it interrupted
        const session = await this.sessions.get(instance, sessionId, event.notebookUri);
        if (!session) return undefined;
        recordEnd(session, event.cell, { cancelled: true });
        await this.save(session);
        return { run: session.run, created: false };
      }
      case "executionIdle": {
        const session = await this.sessions.get(instance, sessionId, event.notebookUri);
        if (!session || !busy(session)) return undefined;
        session.run._status_code = session.aux.failed ? ERRORED : COMPLETED;
        session.run.finished_at = new Date(cellsSummary(session.aux.cells).lastEnd ?? event.at);
        session.aux.failed = false;
        await this.save(session);
        return { run: session.run, created: false };
      }
      case "kernelRestarted":
      case "notebookClosed": {
        const session = await this.sessions.get(instance, sessionId, event.notebookUri);
        if (!session) return undefined;
        const aborted = busy(session) ? await this.abort(session, event.at) : undefined;
        this.sessions.end(session);
        return aborted && { run: aborted, created: false };
      }
    }
  }

  private async abort(session: Session, at: number): Promise<Run> {
    session.run._status_code = ABORTED;
    session.run.finished_at = new Date(at);
    session.aux.ended = true;
    await this.save(session);
    return session.run;
  }

  private async save(session: Session): Promise<void> {
    setAux(session.run, session.aux);
    await session.run.save();
  }

  /** The session's run, starting one (and resolving the Transform) when there is none. */
  private async ensureRun(
    instance: Instance,
    sessionId: string,
    nb: WithSource,
    executionOrder: number | undefined,
    startTime: number,
  ): Promise<{ session: Session; created: boolean }> {
    let session = await this.sessions.get(instance, sessionId, nb.uri);
    // executionOrder back to 1 after later cells ran: the kernel restarted without telling us.
    if (session && executionOrder === 1 && cellsSummary(session.aux.cells).lastOrder >= 1) {
      if (busy(session)) await this.abort(session, startTime);
      this.sessions.end(session);
      session = undefined;
    }
    if (session && !busy(session)) {
      if (session.transform.hash !== hashString(nb.source)) {
        session = undefined; // the source changed: a new version, a new run
      } else {
        session.run._status_code = STARTED;
        session.run.finished_at = null;
        noteEnvironment(session.run, nb);
        return { session, created: false };
      }
    }
    if (session) {
      noteEnvironment(session.run, nb);
      return { session, created: false };
    }
    const transform = await this.transformFor(nb);
    const run = new Run(transform, {
      status: "started",
      started_at: new Date(startTime),
      params: nb.paramsSource !== undefined ? await parseParameters(nb.paramsSource) : (nb.params ?? null),
    });
    noteEnvironment(run, nb);
    const aux = newAux(sessionId, nb.uri);
    setAux(run, aux);
    await run.save();
    session = { key: sessionKey(sessionId, nb.uri), run, transform, aux };
    this.sessions.add(session);
    return { session, created: true };
  }

  private async transformFor(nb: WithSource): Promise<Transform> {
    const cacheKey = `${nb.key}\u0000${hashString(nb.source)}\u0000${nb.title ?? ""}`;
    const cached = this.transforms.get(cacheKey);
    if (cached) return cached;
    const t = await new Transform({
      key: nb.key,
      kind: "notebook",
      source_code: nb.source,
      description: nb.title ?? null,
      // a notebook is its key, as in LaminDB's track(): another notebook's identical source is not it
      skip_hash_lookup: true,
    }).save();
    if (this.transforms.size > 200) this.transforms.clear();
    this.transforms.set(cacheKey, t);
    return t;
  }

  /** lamin/recoverRuns: runs left "started" by a server process of this machine that is gone. */
  async recover(sessionId: string): Promise<Run[]> {
    if (!this.hooks.trusted) throw new WriteRefused("This workspace is not trusted: runs are not changed.");
    return this.hooks.use(async (instance) => {
      const candidates = await runsAll()
        .filter({ _status_code: STARTED, created_by_id: instance.userId })
        .orderBy("id")
        .toArray();
      const aborted: Run[] = [];
      const { hostname } = await import("node:os");
      for (const run of candidates) {
        const aux = auxOf(run);
        if (!aux || aux.sessionId === sessionId || aux.hostname !== hostname()) continue;
        // the process that last wrote it may be replaying an earlier session's queue right now
        if (aux.serverPid === process.pid || alive(aux.serverPid)) continue;
        run._status_code = ABORTED;
        run.finished_at = new Date();
        await run.save();
        aborted.push(run);
      }
      return aborted;
    });
  }
}

/**
 * Records a cell's end on the session's run, on the entry its start made if there is one. The cell's
 * own start time is exact (a start seen running is a few ms late), so the run starts no later than it.
 */
function recordEnd(
  session: Session,
  cell: CellTiming,
  outcome: Pick<CellRecord, "success" | "cancelled">,
): void {
  const record: CellRecord = {
    index: cell.index,
    executionOrder: cell.executionOrder,
    startTime: cell.startTime,
    endTime: cell.endTime,
    ...outcome,
  };
  const known = [...session.aux.cells]
    .reverse()
    .find((c) => c.index === cell.index && c.endTime === undefined);
  // a start the end does not repeat (a cell that failed before its kernel acknowledged it) stays
  if (known) Object.assign(known, record, { startTime: cell.startTime ?? known.startTime });
  else session.aux.cells.push(record);
  if (cell.startTime === undefined) return;
  const started = new Date(session.run.started_at).getTime();
  // The cell that opened the run gives its exact start, whichever side of the seen one it is (a kernel's
  // reply can show the cell running before its first IOPub message starts it); any other cell only moves
  // the start back (a cell whose start was not seen).
  const opened = known !== undefined && known === session.aux.cells[0];
  if (opened || cell.startTime < started) session.run.started_at = new Date(cell.startTime);
}

/**
 * The run's environment: the kernel named in the notebook's metadata. A kernel writes its own
 * language_info there once it started (the Jupyter extension: during the first run), so a later event of
 * the same run may bring the precise version: the run keeps the latest.
 */
function noteEnvironment(run: Run, nb: NotebookInfo): void {
  if (!nb.kernel) return;
  const extra = isJsonObject(run.extra_data) ? run.extra_data : {};
  const environment = { ...nb.kernel };
  if (JSON.stringify(extra.environment) === JSON.stringify(environment)) return;
  run.extra_data = { ...extra, environment };
}

/** A JSON field's value is any JSON (the record type says unknown); extra_data is an object when set. */
function isJsonObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** track() resolved every event's source before queueing it. */
function withSource(nb: NotebookInfo): WithSource {
  if (typeof nb.source !== "string") throw new Error("the notebook's source was not resolved");
  return nb as WithSource;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
