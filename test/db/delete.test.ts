// Soft delete to the trash, restore, QuerySet.delete(), and permanent deletes with LaminDB's ORM
// cascades (CASCADE follows, PROTECT refuses), which the database itself does not declare.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Artifact,
  InvalidArgument,
  ProtectedError,
  Run,
  RunBlock,
  Transform,
  ULabel,
  User,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

describeEachDatabase("delete and restore", (ctx) => {
  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await ctx.instance.knex(table).where(where).count("* as n"))[0].n);

  test("soft delete moves to the trash; default queries hide it; get by uid still finds it", async () => {
    const t = await new Transform({ key: "soft.py", kind: "script" }).save();
    const run = await new Run(t, { name: "soft" }).save();
    await run.delete();
    assert.equal(run.branch_id, -1);
    assert.equal(await Run.filter({ name: "soft" }).count(), 0, "trash is hidden by default");
    assert.equal(await Run.filter({ name: "soft", branch_id: -1 }).count(), 1, "naming the branch shows it");
    assert.equal((await Run.get(run.uid)).id, run.id, "uid lookups are not branch-scoped");
    await assert.rejects(run.delete(), InvalidArgument, "a trashed record needs permanent: true");
    await run.restore();
    assert.equal(run.branch_id, 1);
    assert.equal(await Run.filter({ name: "soft" }).count(), 1);
  });

  test("QuerySet.delete() trashes all matches in one statement", async () => {
    const t = await new Transform({ key: "bulk.py", kind: "script" }).save();
    for (let i = 0; i < 5; i++) await new Run(t, { name: `bulk-${i}` }).save();
    const n = await Run.filter({ name__startswith: "bulk-" }).delete();
    assert.equal(n, 5);
    assert.equal(await Run.filter({ name__startswith: "bulk-" }).count(), 0);
    assert.equal(await count("lamindb_run", { branch_id: -1, transform_id: t.id }), 5);
  });

  test("permanent delete of a run cascades to links, blocks and initiated runs", async () => {
    const t = await new Transform({ key: "cascade.py", kind: "script" }).save();
    const run = await new Run(t).save();
    const child = await new Run(t, { initiated_by_run: run }).save();
    const grandchild = await new Run(t, { initiated_by_run: child }).save();
    await new RunBlock({ run, content: "readme" }).save();
    const label = await new ULabel({ name: "cascade-label" }).save();
    await ctx.instance
      .knex("lamindb_runulabel")
      .insert({ run_id: run.id, ulabel_id: label.id, created_by_id: 1 });
    const input = await new Artifact({ key: "cascade/in.txt", suffix: ".txt" }).save();
    await ctx.instance
      .knex("lamindb_artifact_input_of_runs")
      .insert({ artifact_id: input.id, run_id: run.id });
    await run.delete({ permanent: true });
    assert.equal(run.id, undefined);
    for (const id of [child.id, grandchild.id])
      assert.equal(await count("lamindb_run", { id }), 0, "initiated runs cascade");
    assert.equal(await count("lamindb_runblock"), 0);
    assert.equal(await count("lamindb_runulabel", { ulabel_id: label.id }), 0);
    assert.equal(await count("lamindb_artifact_input_of_runs", { artifact_id: input.id }), 0);
    assert.equal(await count("lamindb_ulabel", { id: label.id }), 1, "the label itself stays");
    assert.equal(await count("lamindb_artifact", { id: input.id }), 1, "the input artifact stays");
  });

  test("PROTECT: a run with output artifacts cannot be deleted permanently; nothing is removed", async () => {
    const t = await new Transform({ key: "protect.py", kind: "script" }).save();
    const run = await new Run(t).save();
    const child = await new Run(t, { initiated_by_run: run }).save();
    await new Artifact({ key: "protect/out.csv", suffix: ".csv", run: child }).save();
    await assert.rejects(run.delete({ permanent: true }), (e: unknown) => {
      assert.ok(e instanceof ProtectedError);
      assert.deepEqual(
        e.protectedBy.map((p) => p.registry),
        ["Artifact"],
      );
      return true;
    });
    assert.equal(await count("lamindb_run", { id: run.id }), 1);
    assert.equal(await count("lamindb_run", { id: child.id }), 1, "the cascade was rolled back too");
  });

  test("permanent delete of a transform takes its runs; of a head promotes the next version", async () => {
    const v0 = await new Transform({ key: "perm.py", kind: "script", source_code: "0" }).save();
    const v1 = await new Transform({ key: "perm.py", kind: "script", source_code: "1" }).save();
    await new Run(v1).save();
    await new Run(v1).save();
    await v1.delete({ permanent: true });
    assert.equal(await count("lamindb_run", { transform_id: v1.id ?? -999 }), 0);
    await v0.refreshFromDb();
    assert.equal(v0.is_latest, true);
    assert.equal(await count("lamindb_transform", { key: "perm.py" }), 1);
  });

  test("registries without a trash need permanent: true", async () => {
    const u = await new User({ handle: "deleteme" }).save();
    await assert.rejects(u.delete(), /have no trash/);
    await u.delete({ permanent: true });
    assert.equal(await count("lamindb_user", { handle: "deleteme" }), 0);
    const creator = await User.get({ handle: "anonymous" });
    await assert.rejects(
      creator.delete({ permanent: true }),
      ProtectedError,
      "the user who created records is protected",
    );
  });
});
