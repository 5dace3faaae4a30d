// Two LaminServers in this one process, each on its own in-memory connection and its own PostgreSQL
// database: each completes, searches and logs from its own database only (nothing of a server is
// process state), and both dispose of everything they started.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { connect, Instance, ULabel } from "../../db/index";
import { createPostgresDatabase } from "../helpers/databases";
import { at } from "./lsp-client";
import { startInProcess, type InProcessServer } from "./in-process";

interface Side {
  name: string;
  url: string;
  drop: () => Promise<void>;
  served?: InProcessServer;
}

const sides: Side[] = [];
/** What keeps the event loop alive before the servers start (the runner's, the databases' admin pools). */
let baseline: string[] = [];

async function seed(url: string, label: string): Promise<void> {
  const instance = await connect({ url, user: { handle: "tester" }, setDefault: false });
  try {
    await Instance.runWith(instance, () => new ULabel({ name: label, description: "seeded" }).save());
  } finally {
    await instance.close();
  }
}

function logLines(s: Side): string[] {
  return s
    .served!.client.notifications.filter((n) => n.method === "window/logMessage")
    .map((n) => (n.params as { message: string }).message);
}

before(async () => {
  for (const name of ["alphaserver", "betaserver"]) {
    const db = await createPostgresDatabase();
    await seed(db.url, `${name}-label`);
    sides.push({ name, url: db.url, drop: db.drop });
  }
  baseline = process.getActiveResourcesInfo();
  for (const [i, s] of sides.entries()) {
    s.served = await startInProcess({
      database: { kind: "postgres", name: s.name, url: s.url },
      user: { handle: "tester" },
      trusted: true,
      // idle connections kept for the whole test: only dispose() closes them
      connections: { max: 4, idleSeconds: 3600 },
      sessionId: `in-process-${i}-${process.pid}`,
    });
    await s.served.client.ready();
  }
});

after(async () => {
  for (const s of sides) await s.served?.close();
  for (const s of sides) await s.drop();
});

test("each server completes values of its own database", async () => {
  const { text, position } = at('import lamindb as ln\nln.ULabel.get(name="|")');
  for (const s of sides) {
    const uri = `file:///work/${s.name}.py`;
    s.served!.client.openText(uri, text);
    const labels = (await s.served!.client.completion(uri, position)).map((i) => i.label);
    const other = sides.find((o) => o !== s)!;
    assert.ok(labels.includes(`${s.name}-label`), `${s.name}: ${labels.join(", ")}`);
    assert.ok(!labels.includes(`${other.name}-label`), `${s.name} completed ${other.name}'s value`);
  }
});

test("each server answers lamin/search from its own database", async () => {
  for (const s of sides) {
    const own = await s.served!.client.request("lamin/search", { registry: "ULabel", query: s.name });
    assert.deepEqual(
      own.map((r) => r.label),
      [`${s.name}-label`],
    );
    const other = sides.find((o) => o !== s)!;
    const theirs = await s.served!.client.request("lamin/search", { registry: "ULabel", query: other.name });
    assert.deepEqual(theirs, []);
  }
});

test("each server logs to its own client", async () => {
  for (const s of sides) {
    const other = sides.find((o) => o !== s)!;
    const lines = logLines(s);
    const dbName = (url: string) => new URL(url).pathname.slice(1);
    assert.ok(
      lines.some((l) => l.startsWith("Connected to") && l.includes(dbName(s.url))),
      lines.join("\n"),
    );
    assert.ok(!lines.some((l) => l.includes(dbName(other.url))), lines.join("\n"));
  }
});

test("disposed servers leave nothing running behind", { timeout: 60_000 }, async () => {
  for (const s of sides) await s.served!.close();
  // the pools' sockets close as their end arrives: wait for the state, not a time
  const extra = () => {
    const left = [...process.getActiveResourcesInfo()];
    for (const r of baseline) {
      const i = left.indexOf(r);
      if (i >= 0) left.splice(i, 1);
    }
    return left;
  };
  while (extra().some((r) => r !== "Timeout" && r !== "Immediate"))
    await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    extra().filter((r) => r !== "Immediate"),
    [],
  );
});
