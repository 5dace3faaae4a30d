// lamin/track: notebook execution events in, runs out (the rules are in docs/tracking.md).
// One run per kernel session of a notebook: it starts with the first execution after the notebook
// opened or its kernel restarted, is "completed" or "errored" whenever execution goes idle, resumes
// ("started" again) when more cells run in the same session, and is "aborted" by a restart or
// close that interrupts an execution. A changed notebook source at the start of an execution
// burst makes a new Transform version and a new run.
import { hashString, Run, Transform, type Instance } from "../../db/index";
import type { NotebookInfo, RunSummary, TrackEvent, TrackResult } from "../protocol";
import { runsAll } from "../data/typed";
import { auxOf, newAux, setAux, type TrackingAux } from "./aux";
import { EventsLog } from "./events-log";
import { knownRunSummary, runSummary } from "./summaries";

const STARTED = -1;
const COMPLETED = 0;
const ERRORED = 1;
const ABORTED = 2;

interface Session {
  run: Run;
  transform: Transform;
  aux: TrackingAux;
  busy: boolean; // a cell ran since the last idle
  failed: boolean; // a cell failed in this burst
  lastEnd?: number;
  lastOrder: number;
}

export interface TrackerHooks {
  instance(): Promise<Instance> | Instance;
  sessionId: string;
  trusted: boolean;
  userHandle: string;
  /** Called after each write, for caches and the lamin/runChanged notification. */
  changed(run: RunSummary, change: "created" | "updated"): void;
}

export class WriteRefused extends Error {
  override name = "WriteRefused";
}

export class Tracker {
  private readonly sessions = new Map<string, Session>();
  private readonly log = new EventsLog();
  private queue: Promise<unknown> = Promise.resolve();
  /** key + source hash -> the Transform save() resolved them to (saves a transaction per run). */
  private readonly transforms = new Map<string, Transform>();

  constructor(private readonly hooks: TrackerHooks) {}

  /** Drops cached transforms (another process may have changed or deleted them). */
  forgetTransforms(): void {
    this.transforms.clear();
  }

  /** Events are applied one at a time, in arrival order. */
  track(event: TrackEvent): Promise<TrackResult> {
    const next = this.queue.then(() => this.apply(event));
    this.queue = next.catch(() => {});
    return next;
  }

  activeRun(notebookUri: string): Run | undefined {
    return this.sessions.get(notebookUri)?.run;
  }

  private async apply(event: TrackEvent): Promise<TrackResult> {
    if (!this.hooks.trusted) {
      throw new WriteRefused(
        "This workspace is not trusted: the LaminDB extension records no runs here. Trust the workspace to track runs.",
      );
    }
    const instance = await this.hooks.instance();
    if (!(await this.log.claim(instance, event.eventId))) {
      const runId = await this.log.runOf(instance, event.eventId);
      const run = runId === null ? null : await runsAll().filter({ id: runId }).first();
      return { run: run ? await runSummary(run) : null, duplicate: true };
    }
    try {
      const changed = await this.dispatch(event);
      await this.log.settle(instance, event.eventId, changed ? Number(changed.run.id) : null);
      if (!changed) return { run: null, duplicate: false };
      const session = [...this.sessions.values()].find((x) => x.run === changed.run);
      const summary = session
        ? knownRunSummary(changed.run, session.transform, this.hooks.userHandle)
        : await runSummary(changed.run);
      this.hooks.changed(summary, changed.created ? "created" : "updated");
      return { run: summary, duplicate: false };
    } catch (e) {
      await this.log.release(instance, event.eventId).catch(() => {});
      throw e;
    }
  }

  private async dispatch(event: TrackEvent): Promise<{ run: Run; created: boolean } | undefined> {
    switch (event.type) {
      case "cellStarted": {
        const { session, created } = await this.ensureRun(
          event.notebook,
          event.cell.executionOrder,
          event.cell.startTime ?? event.at,
        );
        session.aux.cells.push({
          index: event.cell.index,
          executionOrder: event.cell.executionOrder,
          startTime: event.cell.startTime,
        });
        if (event.cell.executionOrder !== undefined) session.lastOrder = event.cell.executionOrder;
        if (!created) await this.save(session); // a resumed run: status back to started
        return { run: session.run, created };
      }
      case "cellFinished": {
        const { session, created } = await this.ensureRun(
          event.notebook,
          undefined,
          event.cell.startTime ?? event.at,
        );
        const cell = event.cell;
        const known = [...session.aux.cells]
          .reverse()
          .find((c) => c.index === cell.index && c.endTime === undefined);
        const record = {
          index: cell.index,
          executionOrder: cell.executionOrder,
          startTime: cell.startTime,
          endTime: cell.endTime,
          success: cell.success,
        };
        if (known) Object.assign(known, record);
        else session.aux.cells.push(record);
        if (!cell.success) session.failed = true;
        session.lastEnd = cell.endTime ?? event.at;
        if (cell.executionOrder !== undefined)
          session.lastOrder = Math.max(session.lastOrder, cell.executionOrder);
        await this.save(session);
        return { run: session.run, created };
      }
      case "executionIdle": {
        const session = this.sessions.get(event.notebookUri);
        if (!session || !session.busy) return undefined;
        session.busy = false;
        session.run._status_code = session.failed ? ERRORED : COMPLETED;
        session.run.finished_at = new Date(session.lastEnd ?? event.at);
        await this.save(session);
        session.failed = false;
        return { run: session.run, created: false };
      }
      case "kernelRestarted":
      case "notebookClosed": {
        const session = this.sessions.get(event.notebookUri);
        this.sessions.delete(event.notebookUri);
        if (!session || !session.busy) return undefined;
        return { run: await this.abort(session, event.at), created: false };
      }
    }
  }

  private async abort(session: Session, at: number): Promise<Run> {
    session.run._status_code = ABORTED;
    session.run.finished_at = new Date(at);
    await this.save(session);
    return session.run;
  }

  private async save(session: Session): Promise<void> {
    setAux(session.run, session.aux);
    await session.run.save();
  }

  /** The session's run, starting one (and resolving the Transform) when there is none. */
  private async ensureRun(
    nb: NotebookInfo,
    executionOrder: number | undefined,
    startTime: number,
  ): Promise<{ session: Session; created: boolean }> {
    let session = this.sessions.get(nb.uri);
    // executionOrder back to 1 after later cells ran: the kernel restarted without telling us.
    if (session && executionOrder === 1 && session.lastOrder >= 1) {
      if (session.busy) await this.abort(session, startTime);
      this.sessions.delete(nb.uri);
      session = undefined;
    }
    if (session && !session.busy) {
      if (session.transform.hash !== hashString(nb.source)) {
        this.sessions.delete(nb.uri); // the source changed: a new version, a new run
        session = undefined;
      } else {
        session.busy = true;
        session.run._status_code = STARTED;
        session.run.finished_at = null;
        return { session, created: false };
      }
    }
    if (session) return { session, created: false };
    const transform = await this.transformFor(nb);
    const run = new Run(transform, {
      status: "started",
      started_at: new Date(startTime),
      params: nb.params ?? null,
    });
    if (nb.kernel) run.extra_data = { environment: { ...nb.kernel } };
    const aux = newAux(this.hooks.sessionId, nb.uri);
    setAux(run, aux);
    await run.save();
    session = { run, transform, aux, busy: true, failed: false, lastOrder: 0 };
    this.sessions.set(nb.uri, session);
    return { session, created: true };
  }

  private async transformFor(nb: NotebookInfo): Promise<Transform> {
    const cacheKey = `${nb.key}\u0000${hashString(nb.source)}\u0000${nb.title ?? ""}`;
    const cached = this.transforms.get(cacheKey);
    if (cached) return cached;
    const t = await new Transform({
      key: nb.key,
      kind: "notebook",
      source_code: nb.source,
      description: nb.title ?? null,
    }).save();
    if (this.transforms.size > 200) this.transforms.clear();
    this.transforms.set(cacheKey, t);
    return t;
  }

  /** lamin/recoverRuns: runs left "started" by a server process of this machine that is gone. */
  async recover(sessionId: string): Promise<Run[]> {
    if (!this.hooks.trusted) throw new WriteRefused("This workspace is not trusted: runs are not changed.");
    const instance = await this.hooks.instance();
    const candidates = await runsAll()
      .filter({ _status_code: STARTED, created_by_id: instance.userId })
      .orderBy("id")
      .toArray();
    const aborted: Run[] = [];
    const { hostname } = await import("node:os");
    for (const run of candidates) {
      const aux = auxOf(run);
      if (!aux || aux.sessionId === sessionId || aux.hostname !== hostname()) continue;
      if (aux.serverPid === process.pid || alive(aux.serverPid)) continue;
      run._status_code = ABORTED;
      run.finished_at = new Date();
      await run.save();
      aborted.push(run);
    }
    return aborted;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
