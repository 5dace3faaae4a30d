// lamin/track: notebook execution events in, runs out (the rules are in docs/tracking.md).
// One run per kernel session of a notebook (per VS Code session): it starts with the first execution
// after the notebook opened or its kernel restarted, is "completed" or "errored" whenever execution
// goes idle, resumes ("started" again) when more cells run in the same session, and is "aborted" by a
// restart or close that interrupts an execution. A changed notebook source at the start of an
// execution burst makes a new Transform version and a new run.
import { hashString, InvalidArgument, Run, Transform, type Alongside, type Instance } from "../../db/index";
import type { CellTiming, NotebookInfo, RunSummary, TrackEvent, TrackResult } from "../protocol";
import { runsAll, transformsAll } from "../data/typed";
import { parseParameters } from "../python/parameters";
import { detectLaminTracking, type LaminTracking } from "../python/lamin-track";
import { auxOf, cellsSummary, newAux, setAux, type CellRecord } from "./run-state";
import {
  abortIfStarted,
  MAX_TRACK_OUTPUT,
  runByUid,
  runStartedDuring,
  runUidFromOutput,
  storedAux,
  writeAux,
} from "./adoption";
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

type Changed = { run: Run; created: boolean } | undefined;

/**
 * The event being applied and its claim. Where the claim can ride on a write (claims in the database),
 * the event's first write of a run carries it (save({ alongside })): one statement claims the event and
 * writes the run, atomically, and names the run, so the common event costs one round trip rather than
 * three (claim, write, settle). Any other first write (a Transform, an adopted run's _aux) claims first.
 */
interface Claim {
  eventId: string;
  alongside?: Alongside;
  /** The claim is written (or held in memory). */
  done: boolean;
  /** The run the claim names, when a write carried it. */
  runId?: number;
}

/** The event was claimed already (a replay): nothing of it was written. */
class DuplicateEvent extends Error {
  override name = "DuplicateEvent";
}

/** Which notebook an event is about. */
const uriOf = (e: TrackEvent) => ("notebook" in e ? e.notebook.uri : e.notebookUri);

export class Tracker {
  private readonly sessions = new Sessions();
  private readonly log = new EventsLog();
  private readonly sources = new SourceStore();
  private queue: Promise<unknown> = Promise.resolve();
  /** The claim of the event being applied (events are applied one at a time). */
  private claim?: Claim;
  /** key + source hash -> the Transform save() resolved them to (saves a transaction per run). */
  private readonly transforms = new Map<string, Transform>();
  /**
   * SHA-256 of a source (the SourceStore's key, checked there) -> LaminDB's hash of it: an event of a
   * large notebook hashed its source up to three times (tracking calls, the Transform, a resumed run).
   */
  private readonly laminHashes = new Map<string, string>();
  /** Source hash -> LaminDB's tracking calls in it (null: none), for the notebooks seen. */
  private readonly detections = new Map<string, LaminTracking | null>();
  /**
   * Per session key: the events of a notebook that calls ln.track(), held until LaminDB's run is known
   * (then adopted) or the burst ends without one (then tracked as the extension's own run).
   */
  private readonly pending = new Map<string, TrackEvent[]>();
  /** Per session key: the latest run of the notebook in this VS Code session, and whether it was adopted. */
  private readonly lastRun = new Map<string, { id: number; adopted: boolean }>();

  constructor(private readonly hooks: TrackerHooks) {}

  /** Drops cached transforms (what changed is unknown: the feed reconnected). */
  forgetTransforms(): void {
    this.transforms.clear();
  }

  /**
   * `lamindb_transform` changed (the poll says neither which rows nor whose write): re-reads the cached
   * transforms in one query, off the events' path, and drops those whose rows changed or are gone.
   * Dropping them all made this server's next run re-resolve its Transform (a claim and a transaction
   * of lookups on a cell event's path) after every poll that saw the server's own Transform insert.
   * Rows another process inserted change no cached resolution: a key and source resolve to the live
   * row with that key and hash (UNIQUE), which is the cached one while it is unchanged. Queued with the
   * events: one that arrives after the change is applied after the check.
   */
  recheckTransforms(): Promise<void> {
    const next = this.queue.then(() => this.recheck());
    this.queue = next.catch(() => {});
    return next;
  }

  private async recheck(): Promise<void> {
    const cached = [...this.transforms];
    if (cached.length === 0) return;
    const ids = [...new Set(cached.map(([, t]) => Number(t.id)))];
    let rows: Transform[];
    try {
      rows = await this.hooks.use(() => transformsAll().filter({ id__in: ids }).toArray());
    } catch {
      this.forgetTransforms(); // unchecked: resolve again
      return;
    }
    const now = new Map(rows.map((r) => [Number(r.id), r]));
    for (const [key, t] of cached) {
      const row = now.get(Number(t.id));
      if (this.transforms.get(key) === t && (!row || !sameTransform(t, row))) this.transforms.delete(key);
    }
  }

  /** Events are applied one at a time, in arrival order. */
  track(received: TrackEvent): Promise<TrackResult> {
    let event: TrackEvent;
    try {
      checkTrackOutput(received);
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
    const alongside = this.log.alongside(instance, event.eventId);
    const claim: Claim = { eventId: event.eventId, alongside, done: false };
    if (!alongside) {
      if (!(await this.log.claim(instance, event.eventId))) return this.duplicate(instance, event.eventId);
      claim.done = true;
    }
    const sessionId = this.sessionOf(event);
    this.claim = claim;
    try {
      const changed = await this.dispatch(instance, sessionId, event);
      // an event that wrote nothing claims now; one whose claim names another run (it wrote two) settles
      await this.claimNow(instance);
      const runId = changed ? Number(changed.run.id) : null;
      if (claim.runId !== runId) await this.log.settle(instance, event.eventId, runId);
      if (!changed) return { run: null, duplicate: false };
      const session = this.sessions.owning(changed.run);
      const summary =
        session && !session.aux.adopted
          ? knownRunSummary(changed.run, session.transform, this.hooks.userHandle)
          : await runSummary(changed.run);
      this.hooks.changed(summary, changed.created ? "created" : "updated");
      return { run: summary, duplicate: false };
    } catch (e) {
      // what memory holds of the session may be ahead of the database now: read it back next time
      this.sessions.drop(sessionKey(sessionId, uriOf(event)));
      // a replay found by its claim: nothing of it was written (the claim comes before any write)
      if (e instanceof DuplicateEvent || (!claim.done && this.log.isClaimConflict(e)))
        return this.duplicate(instance, event.eventId);
      if (claim.done) await this.log.release(instance, event.eventId);
      throw e;
    } finally {
      this.claim = undefined;
    }
  }

  /** The answer to a replayed event: the run it changed, unchanged. */
  private async duplicate(instance: Instance, eventId: string): Promise<TrackResult> {
    const runId = await this.log.runOf(instance, eventId);
    const run = runId === null ? null : await runsAll().filter({ id: runId }).first();
    return { run: run ? await runSummary(run) : null, duplicate: true };
  }

  /** Claims the event before a write that cannot carry the claim (DuplicateEvent if it is a replay). */
  private async claimNow(instance: Instance): Promise<void> {
    const claim = this.claim;
    if (!claim || claim.done) return;
    if (!(await this.log.claim(instance, claim.eventId))) throw new DuplicateEvent(claim.eventId);
    claim.done = true;
  }

  /** Saves a run; the event's first write carries its claim (one statement, see Claim). */
  private async saveRun(run: Run): Promise<void> {
    const claim = this.claim;
    if (!claim || claim.done || !claim.alongside) {
      await run.save();
      return;
    }
    await run.save({ alongside: claim.alongside });
    claim.done = true;
    claim.runId = Number(run.id);
  }

  /**
   * A notebook that calls ln.track() gets LaminDB's run, adopted; its events wait until that run is
   * known. Any other goes to the extension's own run (dispatchOwn).
   */
  private async dispatch(instance: Instance, sessionId: string, event: TrackEvent): Promise<Changed> {
    const uri = uriOf(event);
    const key = sessionKey(sessionId, uri);
    const session = await this.sessions.get(instance, sessionId, uri);
    // the paths of ln.track() notebooks change memory beyond the session (held events): claimed first
    if (session?.aux.adopted) {
      await this.claimNow(instance);
      return this.applyAdopted(instance, sessionId, session, event);
    }
    const held = this.pending.get(key);
    if (held) {
      await this.claimNow(instance);
      return this.hold(instance, sessionId, key, held, event);
    }
    if ("notebook" in event && (await this.tracking(event.notebook))) {
      await this.claimNow(instance);
      return this.hold(instance, sessionId, key, [], event);
    }
    return this.dispatchOwn(instance, sessionId, event);
  }

  /** LaminDB's hash of the notebook's source (hashString), once per source. */
  private laminHash(nb: WithSource): string {
    const key = nb.sourceHash;
    if (key === undefined) return hashString(nb.source);
    let hash = this.laminHashes.get(key);
    if (hash === undefined) {
      hash = hashString(nb.source);
      if (this.laminHashes.size >= 256) this.laminHashes.clear();
      this.laminHashes.set(key, hash);
    }
    return hash;
  }

  /** LaminDB's tracking calls in the notebook's source (cached by hash). */
  private async tracking(nb: NotebookInfo): Promise<LaminTracking | undefined> {
    const resolved = withSource(nb);
    const hash = this.laminHash(resolved);
    let found = this.detections.get(hash);
    if (found === undefined) {
      found = (await detectLaminTracking(resolved.source)) ?? null;
      if (this.detections.size > 256) this.detections.clear();
      this.detections.set(hash, found);
    }
    return found ?? undefined;
  }

  /**
   * Holds an event of a notebook that calls ln.track() until LaminDB's run is known: a cell that
   * started it adopts it, with every held cell. A burst that ends without one (track() not run, or it
   * raised) is tracked as today, the held events replayed onto the extension's own run.
   */
  private async hold(
    instance: Instance,
    sessionId: string,
    key: string,
    held: TrackEvent[],
    event: TrackEvent,
  ): Promise<Changed> {
    // execution order back to 1 after later cells: the kernel restarted (no kernel API)
    if (event.type === "cellStarted" && event.cell.executionOrder === 1 && heldOrder(held) >= 1) {
      this.pending.delete(key);
      await this.replayOwn(instance, sessionId, held);
      const session = await this.sessions.get(instance, sessionId, uriOf(event));
      if (session && busy(session)) await this.abort(session, event.cell.startTime ?? event.at);
      if (session) this.sessions.end(session);
      held = [];
    }
    held.push(event);
    this.pending.set(key, held);
    if (event.type === "cellFinished") {
      const runId = await this.laminRun(instance, event);
      if (runId === undefined) return undefined;
      this.pending.delete(key);
      return this.adopt(instance, sessionId, uriOf(event), runId, held);
    }
    if (
      event.type === "executionIdle" ||
      event.type === "kernelRestarted" ||
      event.type === "notebookClosed"
    ) {
      this.pending.delete(key);
      return this.replayOwn(instance, sessionId, held);
    }
    return undefined;
  }

  /** The held events, applied as a notebook without ln.track() has them applied. */
  private async replayOwn(instance: Instance, sessionId: string, events: TrackEvent[]): Promise<Changed> {
    let last: Changed;
    for (const e of events) last = (await this.dispatchOwn(instance, sessionId, e)) ?? last;
    return last;
  }

  /** The run LaminDB started in this cell: from the line track() printed, else from the database. */
  private async laminRun(
    instance: Instance,
    event: Extract<TrackEvent, { type: "cellFinished" }>,
  ): Promise<number | undefined> {
    const uid = runUidFromOutput(event.cell.trackOutput);
    if (uid !== undefined) {
      const id = await runByUid(instance, uid);
      if (id !== undefined) return id;
    }
    const { startTime, endTime } = event.cell;
    if (!event.cell.success || startTime === undefined || endTime === undefined) return undefined;
    const tracking = await this.tracking(event.notebook);
    if (!tracking) return undefined;
    const fileName = notebookFileName(event.notebook.uri);
    for (const call of tracking.track) {
      const id = await runStartedDuring(instance, call, fileName, startTime, endTime);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /**
   * Adopts LaminDB's run: the held cells are recorded under its _aux.lamin_vscode (cells of earlier
   * kernel sessions on the same run, a restart without finish(), stay), linked to the run before it.
   */
  private async adopt(
    instance: Instance,
    sessionId: string,
    uri: string,
    runId: number,
    events: TrackEvent[],
  ): Promise<Changed> {
    const key = sessionKey(sessionId, uri);
    const own = await this.sessions.get(instance, sessionId, uri);
    if (own) {
      if (busy(own)) await this.abort(own, Date.now());
      this.sessions.end(own);
    }
    const before = this.lastRun.get(key);
    const stored = await storedAux(instance, runId);
    const aux = { ...newAux(sessionId, uri), adopted: true, cells: stored?.adopted ? stored.cells : [] };
    const linked =
      stored?.initiatedBy ?? (before && !before.adopted && before.id !== runId ? before.id : undefined);
    if (linked !== undefined) aux.initiatedBy = linked;
    const session = await this.adoptedSession(key, runId, aux);
    for (const e of events) recordAdopted(session, e);
    this.sessions.add(session);
    this.lastRun.set(key, { id: runId, adopted: true });
    return this.writeAdopted(instance, session);
  }

  private async adoptedSession(key: string, runId: number, aux: Session["aux"]): Promise<Session> {
    const run = await runsAll().filter({ id: runId }).first();
    const transform = run ? await transformsAll().filter({ id: run.transform_id }).first() : null;
    if (!run || !transform) throw new Error(`LaminDB's run ${runId} is gone`);
    return { key, run, transform, aux };
  }

  /** Writes the adopted run's _aux key (only it) and reads the row back for the answer. */
  private async writeAdopted(instance: Instance, session: Session): Promise<Changed> {
    await writeAux(instance, Number(session.run.id), session.aux);
    const run = await runsAll().filter({ id: session.run.id }).first();
    if (run) session.run = run;
    return { run: session.run, created: false };
  }

  /**
   * An event of a notebook whose LaminDB run is adopted. Its status stays LaminDB's: a restart or close
   * aborts it only while it is still started or re-started. Every cell's end writes the record again,
   * so the one after ln.finish() (whose full-row save reverts it) restores it.
   */
  private async applyAdopted(
    instance: Instance,
    sessionId: string,
    session: Session,
    event: TrackEvent,
  ): Promise<Changed> {
    const runId = Number(session.run.id);
    switch (event.type) {
      case "cellStarted":
        if (event.cell.executionOrder === 1 && cellsSummary(session.aux.cells).lastOrder >= 1) {
          await this.endAdopted(instance, session, event.cell.startTime ?? event.at);
          return this.dispatch(instance, sessionId, event);
        }
        recordAdopted(session, event);
        return this.writeAdopted(instance, session);
      case "cellFinished": {
        // a track() after finish() (or a new_run) starts another run in the same kernel session
        const next = await this.laminRun(instance, event);
        if (next !== undefined && next !== runId) {
          // the cell's start belongs to the new run, not to the one finish() ended
          const cells = session.aux.cells;
          const start = cells.findLastIndex((c) => c.index === event.cell.index && c.endTime === undefined);
          if (start >= 0) {
            cells.splice(start, 1);
            await this.writeAdopted(instance, session);
          }
          this.sessions.end(session);
          return this.adopt(instance, sessionId, uriOf(event), next, [event]);
        }
        recordAdopted(session, event);
        return this.writeAdopted(instance, session);
      }
      case "cellCancelled":
        recordAdopted(session, event);
        return this.writeAdopted(instance, session);
      case "executionIdle":
        return undefined;
      case "kernelRestarted":
      case "notebookClosed":
        return this.endAdopted(instance, session, event.at);
    }
  }

  /** The kernel session ended: LaminDB's run is aborted if it is still started or re-started. */
  private async endAdopted(instance: Instance, session: Session, at: number): Promise<Changed> {
    await abortIfStarted(instance, Number(session.run.id), at);
    session.aux.ended = true;
    this.sessions.end(session);
    return this.writeAdopted(instance, session);
  }

  private async dispatchOwn(instance: Instance, sessionId: string, event: TrackEvent): Promise<Changed> {
    switch (event.type) {
      case "cellStarted": {
        const { session, created } = await this.ensureRun(
          instance,
          sessionId,
          withSource(event.notebook),
          event.cell.executionOrder,
          event.cell.startTime ?? event.at,
        );
        session.aux.cells.push(
          present({
            index: event.cell.index,
            executionOrder: event.cell.executionOrder,
            startTime: event.cell.startTime,
          }),
        );
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
    await this.saveRun(session.run);
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
      if (session.transform.hash !== this.laminHash(nb)) {
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
    const transform = await this.transformFor(instance, nb);
    const run = new Run(transform, {
      status: "started",
      started_at: new Date(startTime),
      params: nb.paramsSource !== undefined ? await parseParameters(nb.paramsSource) : (nb.params ?? null),
    });
    noteEnvironment(run, nb);
    const key = sessionKey(sessionId, nb.uri);
    const before = this.lastRun.get(key);
    if (before?.adopted) run.initiated_by_run_id = before.id;
    const aux = newAux(sessionId, nb.uri);
    setAux(run, aux);
    await this.saveRun(run);
    session = { key, run, transform, aux };
    this.sessions.add(session);
    this.lastRun.set(key, { id: Number(run.id), adopted: false });
    return { session, created: true };
  }

  private async transformFor(instance: Instance, nb: WithSource): Promise<Transform> {
    const cacheKey = `${nb.key}\u0000${this.laminHash(nb)}\u0000${nb.title ?? ""}`;
    const cached = this.transforms.get(cacheKey);
    if (cached) return cached;
    await this.claimNow(instance); // a Transform's save cannot carry the claim
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

/** The fields a cached Transform stands for: its resolution (key, hash, live) and what a run's summary shows. */
function sameTransform(a: Transform, b: Transform): boolean {
  const fields = ["uid", "key", "hash", "branch_id", "description", "version_tag", "is_latest"] as const;
  return fields.every((f) => String(a[f] ?? null) === String(b[f] ?? null));
}

/**
 * The fields that have a value: an absent optional field (a kernel without execution order, unknown
 * timing) stays absent, as the run's JSON cannot hold `undefined`.
 */
function present<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Records a cell's end on the session's run, on the entry its start made if there is one. The cell's
 * own start time is exact (a start seen running is a few ms late), so the run starts no later than it.
 */
function recordEnd(
  session: Session,
  cell: CellTiming,
  outcome: Pick<CellRecord, "success" | "cancelled">,
  moveStart = true,
): void {
  const record: CellRecord = present({
    index: cell.index,
    executionOrder: cell.executionOrder,
    startTime: cell.startTime,
    endTime: cell.endTime,
    ...outcome,
  });
  const known = [...session.aux.cells]
    .reverse()
    .find((c) => c.index === cell.index && c.endTime === undefined);
  // a start the end does not repeat (a cell that failed before its kernel acknowledged it) stays
  if (known) Object.assign(known, record);
  else session.aux.cells.push(record);
  if (cell.startTime === undefined || !moveStart) return;
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

/** A cell event on an adopted run: its timing recorded, the run's own columns untouched. */
function recordAdopted(session: Session, event: TrackEvent): void {
  if (event.type === "cellStarted") {
    const { index, executionOrder, startTime } = event.cell;
    session.aux.cells.push({ index, executionOrder, startTime });
  } else if (event.type === "cellFinished") {
    recordEnd(session, event.cell, { success: event.cell.success }, false);
  } else if (event.type === "cellCancelled") {
    recordEnd(session, event.cell, { cancelled: true }, false);
  }
}

function heldOrder(events: TrackEvent[]): number {
  let order = 0;
  for (const e of events) if ("cell" in e) order = Math.max(order, e.cell.executionOrder ?? 0);
  return order;
}

/** The notebook's file name (LaminDB's key without a dev_dir). */
function notebookFileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, "");
  const name = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** A cellFinished's trackOutput is text, bounded. */
function checkTrackOutput(event: TrackEvent): void {
  if (event.type !== "cellFinished" || event.cell === null || typeof event.cell !== "object") return;
  const output: unknown = event.cell.trackOutput;
  if (output === undefined) return;
  if (typeof output !== "string") throw new InvalidArgument("cell.trackOutput must be a string");
  if (output.length > MAX_TRACK_OUTPUT)
    throw new InvalidArgument(`cell.trackOutput is longer than ${MAX_TRACK_OUTPUT} characters`);
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
