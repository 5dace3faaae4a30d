// Which failures the extension may retry: only databaseUnavailable keeps a tracking event queued.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectionError, DatabaseError, IntegrityError, NotConnected } from "../../db/index";
import { toResponseError } from "../../server/errors";
import { LAMIN_ERROR_CODES } from "../../server/protocol";

const { databaseUnavailable, requestFailed } = LAMIN_ERROR_CODES;

test("a lost or absent connection is databaseUnavailable", () => {
  assert.equal(toResponseError(new ConnectionError("reset", "ECONNRESET")).code, databaseUnavailable);
  assert.equal(toResponseError(new NotConnected("call connect() first")).code, databaseUnavailable);
});

test("a statement refused for a passing reason is databaseUnavailable", () => {
  for (const code of ["40001", "40P01", "53300", "55P03", "57014"])
    assert.equal(toResponseError(new DatabaseError("busy", code)).code, databaseUnavailable, code);
});

test("any other database failure is requestFailed, so a tracking event is not retried for ever", () => {
  for (const code of ["42P01", "42703", "28P01", "3D000", "550P3", "5701", undefined])
    assert.equal(toResponseError(new DatabaseError("failed", code)).code, requestFailed, String(code));
  const integrity = toResponseError(new IntegrityError("duplicate key", "lamindb_run_uid_key"));
  assert.equal(integrity.code, requestFailed);
  assert.deepEqual(integrity.data, { name: "IntegrityError" });
});
