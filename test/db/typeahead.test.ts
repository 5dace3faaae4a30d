// typeahead(): prefix matches, then contains matches only when the prefix found few, in one statement.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { InvalidArgument, ULabel, typeahead } from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

const fields: Array<"name" | "uid" | "description"> = ["name", "uid", "description"];

describeEachDatabase("typeahead", (ctx) => {
  before(async () => {
    const names = ["KLF2", "KLF4", "klrb1", "AKLF9", "CD8A", "CD8B", "XCD8", "100%_pure", "100x"];
    for (const name of names) await new ULabel({ name, description: `about ${name}` }).save();
    for (let i = 0; i < 12; i++) await new ULabel({ name: `GENE${i}` }).save();
    const trashed = await new ULabel({ name: "KLtrash" }).save();
    await trashed.delete(); // to the trash: hidden, as filter() hides it
  });

  test("prefix matches, case-insensitive, then values containing the prefix when few", async () => {
    const rows = await typeahead(ULabel.filter({}), "name", "kl", { fields, limit: 50, few: 10 });
    const prefix = rows.filter((r) => r.match === "prefix").map((r) => r.name);
    const contains = rows.filter((r) => r.match === "contains").map((r) => r.name);
    assert.deepEqual(prefix.sort(), ["KLF2", "KLF4", "klrb1"]);
    assert.deepEqual(contains, ["AKLF9"], "a prefix match is not repeated as a contains match");
    const klf2 = rows.find((r) => r.name === "KLF2")!;
    assert.equal(klf2.description, "about KLF2");
    assert.match(String(klf2.uid), /^[0-9A-Za-z]{8}$/);
    assert.equal(typeof klf2.id, "number");
  });

  test("enough prefix matches: no contains half", async () => {
    const rows = await typeahead(ULabel.filter({}), "name", "ge", { fields, limit: 50, few: 10 });
    assert.equal(rows.length, 12);
    assert.ok(rows.every((r) => r.match === "prefix"));
    const few = await typeahead(ULabel.filter({}), "name", "cd8", { fields, limit: 50, few: 3 });
    assert.deepEqual(
      few.map((r) => [r.name, r.match]).sort(),
      [
        ["CD8A", "prefix"],
        ["CD8B", "prefix"],
        ["XCD8", "contains"],
      ].sort(),
      "two prefix matches are fewer than 3",
    );
    const enough = await typeahead(ULabel.filter({}), "name", "cd8", { fields, limit: 50, few: 2 });
    assert.deepEqual(
      enough.map((r) => r.match),
      ["prefix", "prefix"],
      "two prefix matches are not fewer than 2",
    );
  });

  test("one character: prefix only; LIKE wildcards in the input are literal; the limit holds", async () => {
    const one = await typeahead(ULabel.filter({}), "name", "C", { fields, limit: 50, few: 10 });
    assert.deepEqual(one.map((r) => r.name).sort(), ["CD8A", "CD8B"]);
    const pct = await typeahead(ULabel.filter({}), "name", "100%", { fields, limit: 50, few: 10 });
    assert.deepEqual(
      pct.map((r) => r.name),
      ["100%_pure"],
    );
    const limited = await typeahead(ULabel.filter({}), "name", "gene", { fields, limit: 5, few: 10 });
    assert.equal(limited.length, 5);
  });

  test("the query's filters apply to both halves", async () => {
    const rows = await typeahead(ULabel.filter({}).exclude({ name__endswith: "B" }), "name", "cd8", {
      fields,
      limit: 50,
      few: 10,
    });
    assert.deepEqual(rows.map((r) => r.name).sort(), ["CD8A", "XCD8"]);
    const all = await typeahead(ULabel.all(), "name", "kl", { fields, limit: 50, few: 10 });
    assert.ok(
      all.some((r) => r.name === "KLtrash"),
      "all() includes the trash",
    );
  });

  test("run many times, it is never a named statement: a plan made for each prefix", async () => {
    for (let i = 0; i < 12; i++)
      await typeahead(ULabel.filter({}), "name", i % 2 ? "kl" : "gene", { fields, limit: 50, few: 10 });
    const rows = await typeahead(ULabel.filter({}), "name", "cd8", { fields, limit: 50, few: 10 });
    assert.deepEqual(rows.map((r) => r.name).sort(), ["CD8A", "CD8B", "XCD8"]);
    if (ctx.kind === "postgres") {
      // a generic plan of lower(name) LIKE $1 would scan the table; an unnamed statement never gets one.
      // Sequential statements reuse the pool's last released connection, the one asked here.
      const named = await ctx.instance.knex.raw(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%lamin_pass%'",
      );
      assert.equal((named.rows as Array<{ n: number }>)[0].n, 0);
    }
    if (ctx.kind === "pgbouncer") {
      // through the pooler: detected, so no named statement and no session setting was used
      assert.equal(ctx.instance.info.pooled, true);
      assert.equal(ctx.instance.info.namedStatements, false);
    }
  });

  test("bad input: a typed error, nothing run", async () => {
    await assert.rejects(
      typeahead(ULabel.filter({}), "is_type", "x", { fields, limit: 5, few: 1 }),
      InvalidArgument,
    );
    await assert.rejects(
      typeahead(ULabel.filter({}), "name", "a\u0000b", { fields, limit: 5, few: 1 }),
      InvalidArgument,
    );
  });
});
