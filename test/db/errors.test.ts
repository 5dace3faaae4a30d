// Driver errors become typed errors that keep the driver's error as `cause`; every way of losing or
// never reaching the database is one ConnectionError.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectionError, connect, DatabaseError, IntegrityError, ULabel } from "../../db/index";
import { describeEachDatabase } from "../helpers/databases";

interface DriverError {
  code?: string;
  table?: string;
  constraint?: string;
  stack?: string;
}

describeEachDatabase("errors", (ctx) => {
  test("a broken constraint is an IntegrityError whose cause is the driver's error", async () => {
    const a = await new ULabel({ name: "errors-a" }).save();
    const b = new ULabel({ name: "errors-b" });
    b.uid = a.uid;
    const e = await b.save().then(
      () => assert.fail("a duplicate uid saved"),
      (err: unknown) => err,
    );
    assert.ok(e instanceof IntegrityError, String(e));
    assert.match(e.message, /Duplicate value/);
    const cause = e.cause as DriverError;
    assert.equal(cause.code, "23505");
    assert.equal(cause.table, "lamindb_ulabel");
    assert.equal(e.constraint, cause.constraint);
    assert.ok(cause.stack, "the driver's stack is kept");
  });

  // PGlite has no server to end a connection
  if (ctx.kind === "postgres")
    test("a connection the server ends is a ConnectionError", async () => {
      const e = await ctx.instance
        .run((db) => db.raw("SELECT pg_terminate_backend(pg_backend_pid())"))
        .then(
          () => assert.fail("the statement survived its own connection"),
          (err: unknown) => err,
        );
      assert.ok(e instanceof ConnectionError, String(e));
      assert.ok(e instanceof DatabaseError);
      assert.equal((e.cause as DriverError).code, "57P01");
    });
});

test("a server that is not there is a ConnectionError naming the place, with the socket error as cause", async () => {
  const e = await connect({ url: "postgresql://nobody:secret@127.0.0.1:1/none", setDefault: false }).then(
    () => assert.fail("connected to port 1"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof ConnectionError, String(e));
  assert.match(e.message, /Cannot reach the database at postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  assert.doesNotMatch(e.message, /secret/);
  assert.equal((e.cause as DriverError).code, "ECONNREFUSED");
});
