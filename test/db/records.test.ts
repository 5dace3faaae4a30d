// The record API on both databases: save, get, relations, status, refreshFromDb, locks, bad input.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Artifact,
  DoesNotExist,
  FieldError,
  FieldValidationError,
  InvalidArgument,
  MultipleResultsFound,
  NoWriteAccess,
  Project,
  Record,
  Run,
  RUN_STATUS_CODES,
  Transform,
  ULabel,
  User,
  ValidationError,
  type Alongside,
  type Instance,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

async function rowCount(instance: Instance, table: string): Promise<number> {
  return Number((await instance.knex(table).count("* as n"))[0].n);
}

describeEachDatabase("records", (ctx) => {
  test("a Run of a saved Transform, as on the seed page", async () => {
    await new Transform({ key: "Cell Ranger", version: "7.2.0", kind: "pipeline" }).save();
    const transform = await Transform.get({ key: "Cell Ranger", version_tag: "7.2.0" });
    assert.equal(transform.kind, "pipeline");
    assert.equal(transform.version, "7.2.0");
    const run = new Run(transform, {
      name: "first",
      params: { learning_rate: 0.01, input_dir: "s3://my-bucket/mydataset" },
    });
    assert.equal(run.id, undefined, "constructing does not save");
    assert.equal(run.status, "scheduled");
    await run.save();
    assert.equal(typeof run.id, "number");
    assert.match(run.uid, /^[0-9A-Za-z]{16}$/);
    assert.ok(run.started_at instanceof Date, "started_at comes from the database default");
    assert.ok(run.created_at instanceof Date);
    assert.equal(run._status_code, -3);
    assert.equal(run.branch_id, 1);
    assert.equal(run.created_by_id, ctx.instance.userId);
    assert.equal((await run.transform).id, transform.id);
    assert.equal((await run.created_by).handle, "anonymous");
    assert.deepEqual(
      (await transform.runs).map((r) => r.uid),
      [run.uid],
    );
  });

  test("params: set, save, read back; nested JSON and arrays on both drivers", async () => {
    const t = await new Transform({ key: "params.py", kind: "script" }).save();
    const run = await new Run(t).save();
    run.params = {
      learning_rate: 0.01,
      input_dir: "s3://my-bucket/mydataset",
      downsample: true,
      layers: [64, 32],
      preprocess_params: { normalization_type: "cool", subset_highlyvariable: true },
    };
    await run.save();
    const again = await Run.get(run.uid);
    assert.deepEqual(again.params, run.params);
    const arrayOnly = await new Run(t, { params: { x: [1, "a", null] } }).save();
    assert.deepEqual((await Run.get(arrayOnly.id!)).params, { x: [1, "a", null] });
  });

  test("status: read-only name from _status_code, with the seed's six names and codes", async () => {
    assert.deepEqual(RUN_STATUS_CODES, {
      scheduled: -3,
      restarted: -2,
      started: -1,
      completed: 0,
      errored: 1,
      aborted: 2,
    });
    const t = await new Transform({ key: "status.py", kind: "script" }).save();
    const run = await new Run(t, { status: "started" }).save();
    assert.equal(run.status, "started");
    for (const [name, code] of Object.entries(RUN_STATUS_CODES)) {
      run._status_code = code;
      await run.save();
      assert.equal((await Run.get(run.id!)).status, name);
    }
    assert.equal(
      Object.getOwnPropertyDescriptor(Run.prototype, "status")?.set,
      undefined,
      "status has no setter",
    );
    assert.throws(() => new Run(t, { status: "completed" as "started" }), InvalidArgument);
    assert.equal(await Run.filter({ status: "aborted", transform: t }).count(), 1);
    assert.equal(await Run.filter({ status__in: ["completed", "errored"], transform: t }).count(), 0);
    assert.throws(
      () => Run.filter({ status: "finished" }),
      /Valid statuses: scheduled, restarted, started, completed, errored, aborted/,
    );
  });

  test("get: by id, full uid, uid stub, expressions; DoesNotExist and MultipleResultsFound", async () => {
    const a = await new ULabel({ name: "get-a" }).save();
    const b = await new ULabel({ name: "get-b", description: "twin" }).save();
    await new ULabel({ name: "get-c", description: "twin" }).save();
    assert.equal((await ULabel.get(a.id!)).uid, a.uid);
    assert.equal((await ULabel.get(a.uid)).id, a.id);
    assert.equal((await ULabel.get(a.uid.slice(0, 6))).id, a.id, "a unique prefix finds the record");
    assert.equal((await ULabel.get({ name: "get-b" })).id, b.id);
    await assert.rejects(ULabel.get({ name: "nope" }), DoesNotExist);
    await assert.rejects(ULabel.get({ description: "twin" }), MultipleResultsFound);
    await assert.rejects(ULabel.get(999_999), DoesNotExist);
    await assert.rejects(
      ULabel.get("zzzzzzz9"),
      /No record found with uid 'zzzzzzz9'. Did you forget a keyword/,
    );
  });

  test("get on a versioned registry: stem finds the latest, expressions prefer is_latest", async () => {
    const v1 = await new Transform({ key: "pipe.py", kind: "script", source_code: "a = 1" }).save();
    const v2 = await new Transform({ key: "pipe.py", kind: "script", source_code: "a = 2" }).save();
    assert.equal(
      (await Transform.get(v1.uid.slice(0, 12))).id,
      v2.id,
      "the 12-character stem gives the latest version",
    );
    assert.equal((await Transform.get(v1.uid)).id, v1.id, "the full uid gives that version");
    assert.equal((await Transform.get({ key: "pipe.py" })).id, v2.id);
  });

  test("relations load lazily, to-one as records and to-many as queries", async () => {
    const t = await new Transform({ key: "rel.ipynb", kind: "notebook" }).save();
    const parent = await new Run(t, { name: "parent" }).save();
    const child = await new Run(t, { name: "child", initiated_by_run: parent }).save();
    assert.equal((await child.initiated_by_run)?.id, parent.id);
    assert.equal(await parent.initiated_by_run, null);
    assert.deepEqual(
      (await parent.initiated_runs).map((r) => r.id),
      [child.id],
    );
    const out = await new Artifact({ key: "rel/out.csv", suffix: ".csv", run: parent }).save();
    const input = await new Artifact({ key: "rel/in.csv", suffix: ".csv" }).save();
    await ctx.instance
      .knex("lamindb_artifact_input_of_runs")
      .insert({ artifact_id: input.id, run_id: parent.id });
    assert.deepEqual(
      (await parent.output_artifacts).map((a) => a.id),
      [out.id],
    );
    assert.deepEqual(
      (await parent.input_artifacts).map((a) => a.id),
      [input.id],
    );
    assert.deepEqual(
      (await input.input_of_runs).map((r) => r.id),
      [parent.id],
    );
    const project = await new Project({ name: "rel-project" }).save();
    await ctx.instance
      .knex("lamindb_runproject")
      .insert({ run_id: parent.id, project_id: project.id, created_by_id: 1 });
    assert.deepEqual(
      (await parent.projects).map((p) => p.name),
      ["rel-project"],
    );
    assert.deepEqual(
      (await project.runs).map((r) => r.id),
      [parent.id],
    );
    assert.equal(await parent.report, null);
    assert.equal((await parent.ablocks).length, 0);
  });

  test("refreshFromDb reloads all fields or the named ones", async () => {
    const label = await new ULabel({ name: "refresh", description: "old" }).save();
    await ctx.instance
      .knex("lamindb_ulabel")
      .where({ id: label.id })
      .update({ description: "new", name: "refreshed" });
    await label.refreshFromDb({ fields: ["description"] });
    assert.equal(label.description, "new");
    assert.equal(label.name, "refresh", "fields not named stay as they were");
    await label.refreshFromDb();
    assert.equal(label.name, "refreshed");
    await assert.rejects(label.refreshFromDb({ fields: ["nope"] }), FieldError);
  });

  test("save() of a new record: on a direct connection a named INSERT that PostgreSQL plans once", async () => {
    const transform = await new Transform({ key: "plans.ipynb", kind: "notebook" }).save();
    const runs: Run[] = [];
    for (let i = 0; i < 8; i++) runs.push(await new Run(transform).save());
    assert.equal(new Set(runs.map((r) => r.id)).size, 8);
    assert.ok(runs.every((r) => r.transform_id === transform.id && r.status === "scheduled"));
    if (ctx.kind === "postgres") {
      // re-planned per save, the insert also re-planned its foreign-key checks and the notify trigger's
      // statements (issue 14). Sequential statements reuse the pool's last released connection.
      const plans = await ctx.instance.knex.raw(
        `SELECT max(generic_plans)::int AS generic FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO "lamindb_run"%'`,
      );
      const generic = (plans.rows as Array<{ generic: number | null }>)[0]!.generic;
      assert.ok(generic !== null && generic >= 3, `generic plans: ${generic}`);
    }
  });

  test("back-to-back saves keep their connection; any other acquire takes it back, a turn of the event loop frees it", async () => {
    type Pool = { numUsed(): number; numFree(): number };
    const pool = (ctx.instance.knex.client as unknown as { pool: Pool }).pool;
    const transform = await new Transform({ key: "kept.ipynb", kind: "notebook" }).save();
    await new Run(transform).save();
    // still checked out (connection/pooled-query.ts), so the next save() skips the pool's acquire
    assert.equal(pool.numUsed(), 1);
    const opened = pool.numUsed() + pool.numFree();
    // a Knex statement meanwhile gets that very connection: none is opened for it
    await ctx.instance.knex.raw("SELECT 1");
    assert.equal(pool.numUsed() + pool.numFree(), opened);
    assert.equal(pool.numUsed(), 0);
    await new Run(transform).save();
    assert.equal(pool.numUsed(), 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.numUsed(), 0, "back in the pool (for its idle reaping) after a turn of the event loop");
  });

  test("save() updates only changed fields and bumps updated_at", async () => {
    const label = await new ULabel({ name: "upd" }).save();
    const before = label.updated_at as unknown as Date;
    await new Promise((r) => setTimeout(r, 5));
    label.description = "changed";
    await label.save();
    assert.ok((label.updated_at as unknown as Date).getTime() > before.getTime());
    // a concurrent change to another field is not overwritten by a stale record
    await ctx.instance.knex("lamindb_ulabel").where({ id: label.id }).update({ reference: "elsewhere" });
    label.name = "upd2";
    await label.save();
    assert.equal((await ULabel.get(label.id!)).reference, "elsewhere");
  });

  test("save({ alongside }): the other row is written with the record's id in the same statement, or neither is", async () => {
    const transform = await new Transform({ key: "alongside.ipynb", kind: "notebook" }).save();
    const claim = (eventId: string) => ({ kind: "trackEventClaim" as const, eventId });
    const claimed = async (eventId: string) =>
      ctx.instance.knex("lamin_vscode_track_events").select("run_id").where({ event_id: eventId });
    const runs = await rowCount(ctx.instance, "lamindb_run");
    const run = new Run(transform, { name: "with a claim" });
    await run.save({ alongside: claim("alongside-1") });
    assert.equal(typeof run.id, "number");
    assert.deepEqual(
      (await claimed("alongside-1")).map((r) => Number(r.run_id)),
      [run.id],
    );
    // the other row's key taken: the INSERT fails and writes nothing
    const twin = new Run(transform, { name: "twin" });
    await assert.rejects(twin.save({ alongside: claim("alongside-1") }));
    assert.equal(await rowCount(ctx.instance, "lamindb_run"), runs + 1);
    // an UPDATE the same way: written with it, or not at all
    run.name = "renamed";
    await run.save({ alongside: claim("alongside-2") });
    assert.deepEqual(
      (await claimed("alongside-2")).map((r) => Number(r.run_id)),
      [run.id],
    );
    run.name = "renamed again";
    await assert.rejects(run.save({ alongside: claim("alongside-2") }));
    assert.equal((await Run.get({ id: run.id })).name, "renamed");
    // nothing changed: the other row alone
    await new Run(transform, {}).save().then((r) => r.save({ alongside: claim("alongside-3") }));
    assert.equal((await claimed("alongside-3")).length, 1);
    // only db/'s own rows: another kind, or a claim with a record of another registry, is refused unwritten
    const labels = await rowCount(ctx.instance, "lamindb_ulabel");
    await assert.rejects(
      new ULabel({ name: "alongside" }).save({ alongside: claim("alongside-4") }),
      (e: Error) => e instanceof InvalidArgument && /goes with a lamindb_run record/.test(e.message),
    );
    const hostile = { kind: "lamindb_ulabel; DROP TABLE lamindb_run", eventId: "x" } as unknown as Alongside;
    await assert.rejects(new Run(transform, {}).save({ alongside: hostile }), InvalidArgument);
    assert.equal(await rowCount(ctx.instance, "lamindb_ulabel"), labels);
    assert.equal(await rowCount(ctx.instance, "lamindb_run"), runs + 2);
    assert.equal((await claimed("alongside-4")).length, 0);
  });

  test("locked records refuse changes and deletes with a clear error; unlocking is allowed", async () => {
    const label = await new ULabel({ name: "locked" }).save();
    label.is_locked = true;
    await label.save();
    label.description = "try";
    await assert.rejects(
      label.save(),
      (e: unknown) => e instanceof NoWriteAccess && /is_locked=True/.test((e as Error).message),
    );
    assert.equal((await ULabel.get(label.id!)).description, null, "nothing was written");
    await assert.rejects(label.delete(), NoWriteAccess);
    await assert.rejects(label.delete({ permanent: true }), NoWriteAccess);
    assert.equal((await ULabel.get(label.id!)).branch_id, 1);
    const fresh = await ULabel.get(label.id!);
    fresh.is_locked = false;
    await fresh.save();
    fresh.description = "now";
    await fresh.save();
    assert.equal((await ULabel.get(label.id!)).description, "now");
  });

  test("bad input: unknown fields, malformed uids, values JSON cannot hold, wrong types; nothing written", async () => {
    const t = await new Transform({ key: "bad.py", kind: "script" }).save();
    const runsBefore = await rowCount(ctx.instance, "lamindb_run");
    assert.throws(
      () => new ULabel({ name: "x", colour: "red" } as never),
      (e: unknown) => {
        assert.ok(e instanceof FieldError);
        assert.match(
          (e as Error).message,
          /Unknown field 'colour' on ULabel\. Available fields: .*description/,
        );
        return true;
      },
    );
    assert.throws(() => ULabel.filter({ nonexistent__startswith: "a" }), FieldError);
    // on runs an unknown first key is read as a feature name, checked when the query runs (LaminDB: InvalidArgument)
    await assert.rejects(Run.filter({ nonexistent__startswith: "a" }).count(), InvalidArgument);
    await assert.rejects(Run.get("not a uid!"), InvalidArgument);
    await assert.rejects(Run.get("a".repeat(21)), InvalidArgument);
    await assert.rejects(Run.get("abc'; DROP TABLE lamindb_run; --"), InvalidArgument);
    for (const params of [
      { f: () => 1 },
      { n: Number.NaN },
      { d: new Date() },
      { u: undefined },
      { big: BigInt(1) },
      { s: "nul\u0000" },
    ]) {
      await assert.rejects(
        new Run(t, { params: params as globalThis.Record<string, unknown> }).save(),
        ValidationError,
        JSON.stringify(Object.keys(params)),
      );
    }
    const cyclic: globalThis.Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(new Run(t, { params: cyclic }).save(), /circular/);
    await assert.rejects(new Run(t, { name: "x".repeat(151) }).save(), /at most 150 characters/);
    await assert.rejects(new Run(t, { name: 42 as unknown as string }).save(), ValidationError);
    await assert.rejects(new ULabel({ name: null as unknown as string }).save(), /cannot be null/);
    assert.throws(() => new Run({ key: "unsaved" } as unknown as Transform), InvalidArgument);
    assert.throws(() => new Run(new Transform({ key: "unsaved" })), /saved Transform/);
    assert.throws(() => new Transform({ key: "k", kind: "notebookz" as "notebook" }), FieldValidationError);
    assert.equal(await rowCount(ctx.instance, "lamindb_run"), runsBefore, "no run was written");
  });

  test("values with quotes, semicolons and comment markers are stored verbatim", async () => {
    const nasty = `Robert'); DROP TABLE lamindb_ulabel; -- "quoted" \\ /* x */ ünï©ødé 🧬`;
    const label = await new ULabel({ name: nasty.slice(0, 150), description: nasty }).save();
    const back = await ULabel.get(label.id!);
    assert.equal(back.description, nasty);
    assert.equal((await ULabel.get({ description: nasty })).id, label.id);
    assert.ok((await ctx.instance.knex("lamindb_ulabel").count("* as n"))[0].n, "the table is still there");
  });

  test("records created through another user are attributed to them", async () => {
    const u = await new User({ handle: "testuser2", name: "Test User" }).save();
    assert.match(u.uid, /^[0-9A-Za-z]{8}$/);
    const r = await new Record({ name: "by-user" }).save();
    assert.equal(r.created_by_id, ctx.instance.userId);
    assert.match(r.uid, /^[0-9A-Za-z]{16}$/);
  });
});
