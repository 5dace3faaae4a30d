// Versioned registries: uid stems and suffixes, is_latest per family and branch, LaminDB's
// Transform rules (same source reused, changed source revised), concurrent revisions.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Artifact,
  Collection,
  IntegrityError,
  InvalidArgument,
  Run,
  RunBlock,
  Transform,
} from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

describeEachDatabase("versioning", (ctx) => {
  test("Transform: 12 + 4 uid; a changed source under a key is the next version; the head moves", async () => {
    const v0 = await new Transform({
      key: "analysis/qc.ipynb",
      kind: "notebook",
      source_code: "x = 1",
    }).save();
    assert.match(v0.uid, /^[0-9A-Za-z]{12}0000$/);
    assert.equal(v0.is_latest, true);
    assert.equal(v0.hash?.length, 22);
    const v1 = await new Transform({
      key: "analysis/qc.ipynb",
      kind: "notebook",
      source_code: "x = 2",
    }).save();
    assert.equal(v1.uid, `${v0.uid.slice(0, 12)}0001`);
    assert.equal(v1.stem_uid, v0.stem_uid);
    assert.equal(v1.version, "0001");
    await v0.refreshFromDb();
    assert.equal(v0.is_latest, false);
    assert.equal(v1.is_latest, true);
    const heads = await Transform.filter({ key: "analysis/qc.ipynb", is_latest: true }).count();
    assert.equal(heads, 1);
  });

  test("Transform: an unchanged source reuses its version; a key without source is reused", async () => {
    const a = await new Transform({ key: "same.ipynb", kind: "notebook", source_code: "print('hi')" }).save();
    const b = await new Transform({ key: "same.ipynb", kind: "notebook", source_code: "print('hi')" }).save();
    assert.equal(b.id, a.id);
    assert.equal(await Transform.filter({ key: "same.ipynb" }).count(), 1);
    const n1 = await new Transform({ key: "nosource.py", kind: "script" }).save();
    const n2 = await new Transform({ key: "nosource.py", kind: "script" }).save();
    assert.equal(n2.id, n1.id);
  });

  test("the suffix increments from the family's highest, across branches and the trash", async () => {
    const v0 = await new Transform({ key: "fam.py", kind: "script", source_code: "0" }).save();
    const v1 = await new Transform({ key: "fam.py", kind: "script", source_code: "1" }).save();
    await v1.delete(); // to the trash: v0 becomes latest again on main
    await v0.refreshFromDb();
    assert.equal(v0.is_latest, true, "deleting the head promotes the newest remaining version");
    const v2 = await new Transform({ key: "fam.py", kind: "script", source_code: "2" }).save();
    assert.equal(v2.uid.slice(-4), "0002", "the trashed 0001 still counts");
    // a suffix past 0009 continues with A, as LaminDB's increment_base62
    const stem = v0.uid.slice(0, 12);
    await ctx.instance.knex("lamindb_transform").insert({
      uid: `${stem}0009`,
      key: "fam.py",
      kind: "script",
      is_latest: false,
      created_by_id: 1,
    });
    const next = await new Transform({ key: "fam.py", kind: "script", source_code: "3" }).save();
    assert.equal(next.uid, `${stem}000A`);
  });

  test("revises: explicit revision, version_tag rules, stale heads refused", async () => {
    const a = await new Artifact({ key: "data/x.parquet", suffix: ".parquet", version_tag: "1" }).save();
    assert.match(a.uid, /^[0-9A-Za-z]{16}0000$/);
    const b = await new Artifact({
      key: "data/x.parquet",
      suffix: ".parquet",
      revises: a,
      version_tag: "2",
    }).save();
    assert.equal(b.uid, `${a.uid.slice(0, 16)}0001`);
    await assert.rejects(
      new Artifact({ key: "data/x.parquet", suffix: ".parquet", revises: a }).save(),
      IntegrityError,
      "a is no longer the latest version",
    );
    await assert.rejects(
      new Artifact({ key: "data/x.parquet", suffix: ".parquet", revises: b, version_tag: "2" }).save(),
      InvalidArgument,
    );
    const c = await new Artifact({ key: "data/x.parquet", suffix: ".parquet" }).save();
    assert.equal(c.uid, `${a.uid.slice(0, 16)}0002`, "the same key revises the latest artifact");
  });

  test("is_latest as LaminDB's delete(): a trashed head is demoted for its successor; restore() leaves it", async () => {
    const c0 = await new Collection({ key: "col" }).save();
    const c1 = await new Collection({ key: "col" }).save();
    await c1.delete();
    await c0.refreshFromDb();
    assert.equal(c0.is_latest, true);
    assert.equal(c1.is_latest, false, "demoted in the trash once its successor is promoted");
    await c1.restore();
    await c0.refreshFromDb();
    assert.equal(c1.is_latest, false, "restore() is a save(): is_latest unchanged");
    assert.equal(c0.is_latest, true);
    assert.equal(await Collection.filter({ key: "col", is_latest: true }).count(), 1);
  });

  test("concurrent revisions of one family get distinct suffixes", async () => {
    const base = await new Transform({ key: "race.py", kind: "script", source_code: "base" }).save();
    const saves = Array.from({ length: 8 }, (_, i) =>
      new Transform({ key: "race.py", kind: "script", source_code: `v${i}` }).save(),
    );
    const done = await Promise.all(saves);
    const uids = new Set(done.map((t) => t.uid));
    assert.equal(uids.size, 8);
    for (const uid of uids) assert.equal(uid.slice(0, 12), base.uid.slice(0, 12));
    assert.equal(await Transform.filter({ key: "race.py", is_latest: true }).count(), 1);
  });

  test("RunBlock: a new readme revises the run's readme; comments are not versioned", async () => {
    const t = await new Transform({ key: "blocks.ipynb", kind: "notebook" }).save();
    const run = await new Run(t).save();
    const r0 = await new RunBlock({ run, content: "# Readme" }).save();
    const r1 = await new RunBlock({ run, content: "# Readme v2" }).save();
    assert.match(r0.uid, /^[0-9A-Za-z]{16}0000$/);
    assert.equal(r1.uid, `${r0.uid.slice(0, 16)}0001`);
    const c = await new RunBlock({ run, content: "a comment", kind: "comment" }).save();
    assert.equal(c.uid.slice(-4), "0000");
    assert.notEqual(c.uid.slice(0, 16), r0.uid.slice(0, 16));
    assert.equal((await run.ablocks).length, 3);
  });
});
