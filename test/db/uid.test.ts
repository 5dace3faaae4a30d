// uid generation and version suffixes: pure functions, tested alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE62, base62, decodeBase62, incrementBase62, newVersionedUid, nextVersionUid } from "../../db/uid";
import { hashString } from "../../db/hash";

test("base62 uses LaminDB's alphabet: digits, then upper case, then lower case", () => {
  assert.equal(BASE62, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) for (const c of base62(16)) seen.add(c);
  assert.equal(seen.size, 62, "every character appears: the generator covers the alphabet");
  assert.match(base62(12), /^[0-9A-Za-z]{12}$/);
});

test("uids do not repeat", () => {
  const uids = new Set(Array.from({ length: 10_000 }, () => base62(16)));
  assert.equal(uids.size, 10_000);
});

test("increment_base62 zero-pads and carries as LaminDB's does", () => {
  assert.equal(incrementBase62("0000"), "0001");
  assert.equal(incrementBase62("0009"), "000A");
  assert.equal(incrementBase62("000Z"), "000a");
  assert.equal(incrementBase62("000z"), "0010");
  assert.equal(incrementBase62("00zz"), "0100");
  assert.equal(decodeBase62("0010"), 62);
  assert.throws(() => incrementBase62("zzzz"), /overflow/);
});

test("versioned uids: a new family ends in 0000, the next version increments the family's highest", () => {
  const uid = newVersionedUid(16);
  assert.match(uid, /^[0-9A-Za-z]{12}0000$/);
  const stem = uid.slice(0, 12);
  // the highest suffix by base62 value, not by string order ('a' > 'Z' in base62, as in ASCII here,
  // but '000a' must beat '0009' and '000Z')
  assert.equal(
    nextVersionUid(stem, [`${stem}0000`, `${stem}000a`, `${stem}000Z`, `${stem}0009`]),
    `${stem}000b`,
  );
  assert.equal(nextVersionUid(stem, [`${stem}000z`]), `${stem}0010`);
  assert.equal(nextVersionUid(stem, []), `${stem}0000`);
  assert.equal(nextVersionUid(stem, [`other0000000000`, `${stem}0003`]), `${stem}0004`);
});

test("hash_string: MD5, URL-safe base64, 22 characters", () => {
  // python: base64.urlsafe_b64encode(hashlib.md5(b"hello").digest()).decode()[:22]
  assert.equal(hashString("hello"), "XUFAKrxLKna5cZ2REBfFkg");
  assert.equal(hashString("").length, 22);
});
