// withCancellation(): once its signal aborts, no further statement of the caller is sent (on PGlite,
// whose running statement cannot be interrupted, that is all cancelling can do) and the caller gets
// Cancelled. A sequence shows whether a statement was sent: nextval() advances it even in a read.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { withCancellation } from "../../db/index";
import { Cancelled } from "../../db/errors";
import { sql } from "../../db/query/sql";
import { describeEachDatabase } from "../helpers/databases";

describeEachDatabase("cancellation", (ctx) => {
  const probe = () => ctx.instance.rows(sql`SELECT nextval('cancel_probe') AS n`);
  before(async () => {
    await ctx.instance.rows(sql`CREATE SEQUENCE IF NOT EXISTS cancel_probe`);
    await probe(); // from here on last_value is the last nextval()
  });

  const lastValue = async () =>
    Number((await ctx.instance.rows(sql`SELECT last_value AS n FROM cancel_probe`))[0].n);

  test("a statement after the abort is not sent, and the caller gets Cancelled", async () => {
    const abort = new AbortController();
    const before = await lastValue();
    const outcome = await withCancellation(abort.signal, async () => {
      await probe(); // sent: the signal has not aborted yet
      abort.abort();
      await probe(); // refused before it reaches the database
    }).then(
      () => "completed",
      (e: unknown) => e,
    );
    assert.ok(outcome instanceof Cancelled, `ended with ${String(outcome)}`);
    assert.equal(await lastValue(), before + 1);
  });

  test("statements outside the cancelled scope still run", async () => {
    const before = await lastValue();
    await probe();
    assert.equal(await lastValue(), before + 1);
  });
});
