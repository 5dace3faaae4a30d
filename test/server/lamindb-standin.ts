// LaminDB's side of a notebook that calls ln.track() and ln.finish(), for the server tests: the rows
// they write, with SQL through the real database, and the line track() prints, as
// ../shared/reference/lamindb-track.md describes them (lamindb 2.9). What the tests check is that the
// extension's server adopts these rows and never writes LaminDB's own columns.
import { randomBytes } from "node:crypto";
import knexFactory, { type Knex } from "knex";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export function base62(n: number): string {
  return [...randomBytes(n)].map((b) => BASE62[b % 62]).join("");
}

/** One kernel's `lamindb` module: its in-memory copy of the run loaded at track(). */
export class LaminDbStandIn {
  private readonly db: Knex;
  /** The run row as LaminDB holds it since track(): finish() saves every column from it. */
  private run: Record<string, unknown> | undefined;
  private transformId: number | undefined;

  constructor(url: string) {
    this.db = knexFactory({ client: "pg", connection: url, pool: { min: 0, max: 1 } });
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  private async userId(): Promise<number> {
    const row = await this.db("lamindb_user").first("id").orderBy("id");
    return Number(row.id);
  }

  /**
   * ln.track(uid?, key=...): the transform (the latest of a 12-char stem, exactly a 16-char uid, else by
   * key), a new version after a finished one, and a run: the newest one by the same user re-started
   * (-2, started_at = the kernel's clock) unless new_run or none exists (a new one, -1, the database's
   * now()). Returns the line it prints.
   */
  async track(opts: { key: string; uid?: string; newRun?: boolean }): Promise<string> {
    const user = await this.userId();
    let transform: Record<string, unknown> | undefined;
    if (opts.uid?.length === 16)
      transform = await this.db("lamindb_transform").where({ uid: opts.uid }).first();
    else if (opts.uid)
      transform = await this.db("lamindb_transform")
        .whereRaw("left(uid, 12) = ?", [opts.uid])
        .where({ is_latest: true })
        .first();
    else transform = await this.db("lamindb_transform").where({ key: opts.key, is_latest: true }).first();
    let created = false;
    if (!transform || transform.source_code !== null) {
      // a new transform, or the next version of one whose source finish() stored
      const stem = transform ? String(transform.uid).slice(0, 12) : (opts.uid ?? base62(12));
      const suffix = transform
        ? (parseInt(String(transform.uid).slice(12), 10) + 1).toString().padStart(4, "0")
        : "0000";
      const uid = opts.uid?.length === 16 && !transform ? opts.uid : stem + suffix;
      if (transform)
        await this.db("lamindb_transform").where({ id: transform.id }).update({ is_latest: false });
      [transform] = await this.db("lamindb_transform")
        .insert({
          uid,
          key: opts.key,
          kind: "notebook",
          source_code: null,
          hash: null,
          is_latest: true,
          created_by_id: user,
        })
        .returning("*");
      created = true;
    }
    this.transformId = Number(transform!.id);
    const last = created
      ? undefined
      : await this.db("lamindb_run")
          .where({ transform_id: this.transformId, created_by_id: user })
          .orderBy("id", "desc")
          .first();
    let line: string;
    const tuid = String(transform!.uid);
    if (last && !opts.newRun) {
      await this.db("lamindb_run")
        .where({ id: last.id })
        .update({ _status_code: -2, started_at: new Date() });
      this.run = await this.db("lamindb_run").where({ id: last.id }).first();
      line = `→ loaded Transform('${tuid}', key='${opts.key}'), re-started Run('${String(last.uid)}') at ${new Date().toISOString()}`;
    } else {
      [this.run] = await this.db("lamindb_run")
        .insert({
          uid: base62(16),
          transform_id: this.transformId,
          _status_code: -1,
          started_at: this.db.raw("now()"),
          params: null,
          cli_args: null,
          created_by_id: user,
        })
        .returning("*");
      const verb = created ? "created" : "loaded";
      line = `→ ${verb} Transform('${tuid}', key='${opts.key}'), started new Run('${String(this.run!.uid)}') at ${new Date().toISOString()}`;
    }
    return line;
  }

  /**
   * ln.finish(): Django's save() of the run from the copy loaded at track() (every column: whatever
   * another writer changed in between is reverted), completed, then the transform's source and hash.
   */
  async finish(source: string): Promise<void> {
    if (!this.run || this.transformId === undefined) throw new Error("finish() before track()");
    const { id, ...columns } = this.run;
    await this.db("lamindb_run")
      .where({ id })
      .update({ ...columns, _status_code: 0, finished_at: new Date(), _is_consecutive: true });
    await this.db("lamindb_transform")
      .where({ id: this.transformId })
      .update({ source_code: source, hash: base62(22) });
    this.run = undefined;
  }

  /** A column of a run, as stored. */
  async runRow(uid: string): Promise<Record<string, unknown>> {
    return this.db("lamindb_run").where({ uid }).first();
  }

  async runById(id: number): Promise<Record<string, unknown>> {
    return this.db("lamindb_run").where({ id }).first();
  }

  async count(table: "lamindb_run" | "lamindb_transform"): Promise<number> {
    const row = await this.db(table).count<{ count: string }[]>("id as count").first();
    return Number(row!.count);
  }

  get currentRunUid(): string | undefined {
    return this.run ? String(this.run.uid) : undefined;
  }
}
