// Idempotency of tracking events: each eventId is claimed once, in lamin_vscode_track_events
// (created by migration 0003). A replay finds its claim and changes nothing. On a database created
// by LaminDB (no such table) claims are kept in memory for the server's lifetime.
import type { Alongside, Instance } from "../../db/index";

const TABLE = "lamin_vscode_track_events";
const CLAIM = `INSERT INTO ${TABLE} (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;

export class EventsLog {
  private readonly memory = new Map<string, number | null>();
  /** Claims of failed events whose release failed too (the database went away): still ours to apply. */
  private readonly unreleased = new Set<string>();

  private persistent(instance: Instance): boolean {
    return instance.info.schema.managedBy !== "lamindb";
  }

  /**
   * The claim as a row written in the same statement as the event's first write of a run
   * (`save({ alongside })`), with that run's id: one round trip instead of a claim, the write and the
   * settle. None where claims are in memory, or for a claim of ours whose release failed.
   */
  alongside(instance: Instance, eventId: string): Alongside | undefined {
    if (!this.persistent(instance) || this.unreleased.has(eventId)) return undefined;
    return { kind: "trackEventClaim", eventId };
  }

  /** A write that carried a claim failed because the event was claimed already (a replay). */
  isClaimConflict(e: unknown): boolean {
    for (let x: unknown = e; x && typeof x === "object"; x = (x as { cause?: unknown }).cause) {
      const { code, constraint, table } = x as { code?: unknown; constraint?: unknown; table?: unknown };
      if (
        code === "23505" &&
        (table === TABLE || (typeof constraint === "string" && constraint.startsWith(TABLE)))
      )
        return true;
    }
    return false;
  }

  /** true if this call claimed the id; false if it was already applied. */
  async claim(instance: Instance, eventId: string): Promise<boolean> {
    if (this.unreleased.delete(eventId)) return true;
    if (!this.persistent(instance)) {
      if (this.memory.has(eventId)) return false;
      this.memory.set(eventId, null);
      return true;
    }
    // straight on a pooled connection (named where the connection allows): an event that writes no run
    // (a kernel restart after the run ended) is this one statement, and Knex's builder costs more
    const rows = await instance.run(() =>
      instance.statements.query({ text: CLAIM, values: [eventId] }, { prepare: true }),
    );
    return rows.length > 0;
  }

  async runOf(instance: Instance, eventId: string): Promise<number | null> {
    if (!this.persistent(instance)) return this.memory.get(eventId) ?? null;
    const row = await instance.run(async (db) =>
      db(TABLE).select("run_id").where({ event_id: eventId }).first(),
    );
    return row?.run_id == null ? null : Number(row.run_id);
  }

  async settle(instance: Instance, eventId: string, runId: number | null): Promise<void> {
    if (!this.persistent(instance)) return void this.memory.set(eventId, runId);
    if (runId !== null)
      await instance.run(async (db) => db(TABLE).update({ run_id: runId }).where({ event_id: eventId }));
  }

  /** Frees a claim whose event failed, so a retry can apply it (never throws). */
  async release(instance: Instance, eventId: string): Promise<void> {
    if (!this.persistent(instance)) return void this.memory.delete(eventId);
    try {
      await instance.run(async (db) => db(TABLE).where({ event_id: eventId }).delete());
    } catch {
      // the retry comes back to this process, which knows the event was not applied
      this.unreleased.add(eventId);
    }
  }
}
