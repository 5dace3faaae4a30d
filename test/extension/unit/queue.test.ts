import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DurableQueue } from "../../../extension/tracking/queue";
import { type Delivery, EventSender } from "../../../extension/tracking/sender";
import type { TrackEvent } from "../../../server/protocol";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "lamin-queue-"));
  dirs.push(d);
  return d;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let n = 0;
const ev = (uri = "file:///nb.ipynb"): TrackEvent => ({
  type: "executionIdle",
  notebookUri: uri,
  eventId: `e${++n}`,
  at: n,
});

describe("DurableQueue", () => {
  it("appends JSON lines, survives a reopen, and removes only acknowledged events", () => {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "s1", pid: 11, isAlive: () => true });
    const [a, b, c] = [ev(), ev(), ev()];
    q.append(a);
    q.append(b);
    q.append(c);
    assert.equal(readFileSync(q.path, "utf8").trim().split("\n").length, 3);
    q.ack(a.eventId);
    const again = DurableQueue.open({ dir, sessionId: "s1", pid: 11, isAlive: () => true });
    assert.deepEqual(
      again.all().map((e) => e.eventId),
      [b.eventId, c.eventId],
    );
    again.ack(b.eventId);
    again.ack(c.eventId);
    assert.equal(existsSync(again.path), false, "an empty queue leaves no file");
  });

  it("skips a torn last line", () => {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "s", pid: 12, isAlive: () => true });
    q.append(ev());
    appendFileSync(q.path, '{"type":"executionIdle","notebookUri":"x","eve');
    assert.equal(DurableQueue.open({ dir, sessionId: "s", pid: 12, isAlive: () => true }).size, 1);
  });

  it("adopts the queue of a window that is gone, in event order, and closes its notebooks in its session", () => {
    const dir = tempDir();
    const dead = DurableQueue.open({ dir, sessionId: "old", pid: 21, isAlive: () => true });
    // e1 as an earlier version of the extension queued it: without a sessionId
    const e1 = { ...ev("file:///a.ipynb"), at: 1 };
    const e2 = { ...ev("file:///b.ipynb"), at: 2, sessionId: "old" };
    dead.append(e1);
    dead.append(e2);
    const alive = DurableQueue.open({ dir, sessionId: "other", pid: 22, isAlive: () => true });
    alive.append(ev("file:///c.ipynb"));
    let id = 0;
    const mine = DurableQueue.open({
      dir,
      sessionId: "new",
      pid: 23,
      isAlive: (pid) => pid !== 21,
      newId: () => `close${++id}`,
    });
    const got = mine.all();
    assert.deepEqual(
      got.map((e) => e.eventId),
      [e1.eventId, e2.eventId, "close1", "close2"],
    );
    assert.deepEqual(
      got.slice(2).map((e) => (e.type === "notebookClosed" ? e.notebookUri : "")),
      ["file:///a.ipynb", "file:///b.ipynb"],
    );
    assert.deepEqual(
      got.map((e) => e.sessionId),
      ["old", "old", "old", "old"],
      "replayed and closing events belong to the dead window's session",
    );
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ["22.other.jsonl", "23.new.jsonl"], "the live window's queue is left alone");
  });

  it("sets a rejected event aside in rejected.jsonl", () => {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "s", pid: 31, isAlive: () => true });
    const e = ev();
    q.append(e);
    q.deadLetter(e.eventId, "bad");
    assert.equal(q.size, 0);
    assert.match(readFileSync(join(dir, "rejected.jsonl"), "utf8"), /"reason":"bad"/);
  });
});

describe("EventSender", () => {
  it("delivers in order, keeps events while the server is unavailable, and replays them when kicked", async () => {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "s", pid: 41, isAlive: () => true });
    let up = false;
    const delivered: string[] = [];
    let unavailable = 0;
    const sender = new EventSender(q, {
      send: async (e): Promise<Delivery> =>
        up
          ? { kind: "ok", result: { run: null, duplicate: false } }
          : { kind: "unavailable", error: `down ${e.eventId}` },
      onDelivered: (e) => delivered.push(e.eventId),
      onUnavailable: () => unavailable++,
      minDelayMs: 10_000,
    });
    const events = [ev(), ev(), ev()];
    for (const e of events) sender.enqueue(e);
    await sender.kick();
    assert.equal(q.size, 3);
    assert.ok(unavailable >= 1);
    // a new queue object on the same file (a restarted window) sees the same events
    assert.equal(DurableQueue.open({ dir, sessionId: "s", pid: 41, isAlive: () => true }).size, 3);
    up = true;
    await sender.kick();
    assert.deepEqual(
      delivered,
      events.map((e) => e.eventId),
    );
    assert.equal(q.size, 0);
    sender.dispose();
  });

  it("sets an event aside after repeated rejections and goes on with the next", async () => {
    const dir = tempDir();
    const q = DurableQueue.open({ dir, sessionId: "s", pid: 51, isAlive: () => true });
    const bad = ev();
    const good = ev();
    const delivered: string[] = [];
    const sender = new EventSender(q, {
      send: async (e): Promise<Delivery> =>
        e.eventId === bad.eventId
          ? { kind: "rejected", error: "nope" }
          : { kind: "ok", result: { run: null, duplicate: false } },
      onDelivered: (e) => delivered.push(e.eventId),
      maxRejections: 2,
      minDelayMs: 5,
      maxDelayMs: 5,
    });
    sender.enqueue(bad);
    sender.enqueue(good);
    const end = Date.now() + 2000;
    while (q.size && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(delivered, [good.eventId]);
    assert.ok(existsSync(join(dir, "rejected.jsonl")));
    sender.dispose();
  });
});

// keep writeFileSync imported for fixtures that need a pre-existing file
void writeFileSync;
