// A database created by this project before it laid out LaminDB's whole schema (migrations
// 0001_initial to 0004_search_documents, replayed from the statements that version ran:
// test/fixtures/lamin-vscode-0004/) upgrades on connect() to exactly what a new database gets,
// with its rows kept, on PostgreSQL and on an embedded folder.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import knexFactory, { type Knex } from "knex";
import { Artifact, connect, Run, Transform, ULabel, type Instance } from "../../db/index";
import { createPglite } from "../../db/connection/pglite";
import { createPostgresDatabase } from "../helpers/databases";
import { introspect, type Schema } from "../helpers/introspect";
import { DJANGO_MIGRATION_ROWS, INITIAL_RECORDS } from "../helpers/lamindb-reference";

const fixture = (kind: string) =>
  readFileSync(join(__dirname, "..", "fixtures", "lamin-vscode-0004", `${kind}.sql`), "utf8");

// Rows written in the earlier layout, as that version wrote them.
const EARLIER_ROWS = `
INSERT INTO lamindb_transform (uid, key, kind, hash, created_by_id, is_latest) VALUES ('tRaNsFoRm0010000', 'earlier.ipynb', 'notebook', 'h1', 1, true);
INSERT INTO lamindb_run (uid, name, transform_id, created_by_id, _status_code, params)
  SELECT 'rUn0000000000001', 'earlier run', id, 1, 0, '{"lr": 0.01}' FROM lamindb_transform;
INSERT INTO lamindb_ulabel (uid, name, created_by_id) VALUES ('uLaBeL01', 'earlier label', 1);
INSERT INTO lamindb_runulabel (run_id, ulabel_id, created_by_id)
  SELECT r.id, u.id, 1 FROM lamindb_run r, lamindb_ulabel u;
INSERT INTO lamindb_record (uid, name, schema_id, created_by_id) VALUES ('rEcOrD0000000001', 'earlier record', 42, 1);
`;

/** Where two schemas differ, ignoring column order (an upgraded table keeps its earlier order). */
function schemaDifferences(upgraded: Schema, fresh: Schema): string[] {
  const out: string[] = [];
  const keys = (s: Schema) => [...s.tables.keys()].sort().join();
  if (keys(upgraded) !== keys(fresh)) out.push(`tables: ${keys(upgraded)} ≠ ${keys(fresh)}`);
  for (const [name, f] of fresh.tables) {
    const u = upgraded.tables.get(name);
    if (!u) continue;
    const sorted = <T>(xs: T[], key: (x: T) => string) =>
      JSON.stringify([...xs].sort((a, b) => key(a).localeCompare(key(b))));
    const parts: Array<[string, (s: typeof f) => string]> = [
      ["columns", (t) => sorted(t.columns, (c) => c.column)],
      ["constraints", (t) => sorted(t.constraints, (c) => c.name)],
      ["indexes", (t) => sorted(t.indexes, (i) => i.name)],
      ["triggers", (t) => sorted(t.triggers, (x) => x.name)],
    ];
    for (const [what, of] of parts) if (of(u) !== of(f)) out.push(`${name} ${what}:\n  ${of(u)}\n≠ ${of(f)}`);
  }
  const fns = (s: Schema) => JSON.stringify([...s.functions].sort());
  if (fns(upgraded) !== fns(fresh)) out.push("functions differ");
  return out;
}

async function checkUpgraded(instance: Instance, fresh: Schema, progress: string[]): Promise<void> {
  assert.ok(
    progress.some((m) => /Upgrading/.test(m)),
    progress.join("; "),
  );
  assert.deepEqual(instance.info.schema, {
    managedBy: "lamin-vscode",
    applied: [
      "0001_lamindb_0193_squashed",
      "0002_search_indexes",
      "0003_notify_triggers",
      "0004_search_documents",
      "0005_change_counter",
    ],
  });
  assert.deepEqual(schemaDifferences(await introspect(instance.knex), fresh), []);
  const k = instance.knex;
  assert.deepEqual(
    (await k("django_migrations").select("app", "name").orderBy("id")).map((r) => [r.app, r.name]),
    DJANGO_MIGRATION_ROWS,
  );
  assert.deepEqual(
    await k("lamindb_branch").select("id", "uid", "name", "description").orderBy("id"),
    INITIAL_RECORDS.branches.map(({ id, uid, name, description }) => ({ id, uid, name, description })),
  );
  assert.equal((await k("lamindb_space").first()).description, INITIAL_RECORDS.space[0].description);
  // the rows are kept and the API reads them through the new schema
  const run = await Run.get({ name: "earlier run" });
  assert.deepEqual(run.params, { lr: 0.01 });
  assert.equal(run.status, "completed");
  assert.deepEqual(
    (await run.ulabels.toArray()).map((u) => u.name),
    ["earlier label"],
  );
  assert.equal((await k("lamindb_record").where({ uid: "rEcOrD0000000001" }).first()).schema_id, null);
  // new rows continue the identity sequences, and the new tables take rows
  const t = await Transform.get({ key: "earlier.ipynb" });
  const next = await new Run(t, { name: "after the upgrade" }).save();
  assert.ok(next.id! > run.id!);
  const artifact = await new Artifact({ key: "after/upgrade.txt", suffix: ".txt" }).save();
  await k("lamindb_artifactrun").insert({ artifact_id: artifact.id, run_id: next.id, created_by_id: 1 });
  assert.equal(await next.artifacts.count(), 1);
  assert.equal(await ULabel.filter({ runs__name: "earlier run" }).count(), 1);
}

describe("upgrade from this project's earlier layout (0001_initial to 0004)", () => {
  test("postgres: the earlier database upgrades to LaminDB's schema with its rows", async () => {
    const earlier = await createPostgresDatabase();
    const fresh = await createPostgresDatabase();
    let raw: Knex | undefined;
    try {
      raw = knexFactory({ client: "pg", connection: earlier.url });
      await raw.raw(fixture("postgres"));
      await raw.raw(EARLIER_ROWS);
      const reference0 = await connect({ url: fresh.url, setDefault: false });
      const differs = schemaDifferences(await introspect(raw), await introspect(reference0.knex));
      await reference0.close();
      // the comparison sees how far the earlier layout is from LaminDB's
      assert.ok(differs.some((d) => d.startsWith("tables:")));
      assert.ok(differs.some((d) => d.startsWith("lamindb_run constraints:")));
      assert.ok(differs.some((d) => d.startsWith("lamindb_run indexes:")));
      await raw.destroy();
      raw = undefined;
      const reference = await connect({ url: fresh.url, setDefault: false });
      const freshSchema = await introspect(reference.knex);
      await reference.close();
      const progress: string[] = [];
      const instance = await connect({ url: earlier.url, onProgress: (m) => progress.push(m) });
      try {
        await checkUpgraded(instance, freshSchema, progress);
      } finally {
        await instance.close();
      }
      // opening again changes nothing
      const again = await connect({ url: earlier.url, setDefault: false });
      const before = await introspect(again.knex);
      assert.deepEqual(schemaDifferences(before, freshSchema), []);
      assert.equal(Number((await again.knex("django_migrations").count("* as n"))[0].n), 19);
      await again.close();
    } finally {
      await raw?.destroy();
      await earlier.drop();
      await fresh.drop();
    }
  });

  test("pglite: an earlier embedded folder upgrades to LaminDB's schema with its rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lamin-earlier-"));
    try {
      const pglite = await createPglite(dir);
      await pglite.exec(fixture("pglite"));
      await pglite.exec(EARLIER_ROWS);
      await pglite.close();
      const reference = await connect({ memory: true, setDefault: false });
      const freshSchema = await introspect(reference.knex);
      await reference.close();
      const progress: string[] = [];
      const instance = await connect({ dir, onProgress: (m) => progress.push(m) });
      try {
        await checkUpgraded(instance, freshSchema, progress);
      } finally {
        await instance.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
