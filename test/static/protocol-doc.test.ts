// docs/server.md documents the lamin/* protocol as server/protocol.ts declares it, as rust-analyzer's
// tidy test keeps its protocol document: every request and notification has a row in the table of
// "The lamin/* protocol", and the document names no method the protocol does not have.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const root = resolve(__dirname, "../..");

/** The method names of an interface in protocol.ts (its property names). */
function methodsOf(source: ts.SourceFile, name: string): string[] {
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  assert.ok(found, `protocol.ts declares ${name}`);
  return found.members.map((m) => {
    assert.ok(m.name && ts.isStringLiteral(m.name), `${name}: every member is a "lamin/..." method`);
    return m.name.text;
  });
}

test("docs/server.md documents every lamin/* method of server/protocol.ts, and only those", () => {
  const path = resolve(root, "server/protocol.ts");
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  const requests = methodsOf(source, "LaminRequests");
  const notifications = [
    ...methodsOf(source, "LaminNotifications"),
    ...methodsOf(source, "LaminClientNotifications"),
  ];
  assert.ok(requests.length > 10 && notifications.length > 2, "the protocol's interfaces were read");

  const doc = readFileSync(resolve(root, "docs/server.md"), "utf8");
  const start = doc.indexOf("\n## The lamin/* protocol\n");
  assert.ok(start >= 0, 'docs/server.md has a section "The lamin/* protocol"');
  const end = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const m = /^\|\s*`(lamin\/\w+)`\s*\|(.*)$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }

  const missing = [...requests, ...notifications].filter((m) => !rows.has(m));
  assert.deepEqual(missing, [], "methods of protocol.ts without a row in docs/server.md");
  const known = new Set([...requests, ...notifications]);
  const stale = [...new Set(doc.match(/lamin\/\w+/g) ?? [])].filter((m) => !known.has(m));
  assert.deepEqual(stale, [], "methods docs/server.md names that protocol.ts does not have");
  for (const n of notifications)
    assert.match(rows.get(n)!, /notification/, `${n} is documented as a notification`);
  for (const r of requests)
    assert.doesNotMatch(rows.get(r)!, /notification/, `${r} is a request, not a notification`);
});
