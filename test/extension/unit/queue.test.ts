// The durable queue (append-only log with an acknowledged offset) and the sender, on real files.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DurableQueue, queuedEventsIn, type QueueOptions } from "../../../extension/tracking/queue";
import { sourceHash } from "../../../extension/tracking/queue-log";
import { type Delivery, EventSender } from "../../../extension/tracking/sender";
import type { TrackEvent, TrackResult } from "../../../server/protocol";

const dirs: string[] = [];
const queues: DurableQueue[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "lamin-queue-"));
  dirs.push(d);
  return d;
}
after(async () => {
  await Promise.all(queues.map((q) => q.close()));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

let n = 0;
const idle = (uri = "file:///nb.ipynb"): TrackEvent => ({
  type: "executionIdle",
  notebookUri: uri,
  eventId: `e${++n}`,
  at: n,
});
const SOURCE = "import lamindb as ln\n\n# %%\nx = 1\n".repeat(200);
const started = (source = SOURCE, uri = "file:///nb.ipynb"): TrackEvent => ({
  type: "cellStarted",
  notebook: { uri, key: "nb.ipynb", source },
  cell: { index: 0, executionOrder: 1, startTime: ++n },
  eventId: `e${n}`,
  at: n,
});
const ok: Delivery = { kind: "ok", result: { run: null, duplicate: false } };

async function opened(options: QueueOptions): Promise<DurableQueue> {
  const q = DurableQueue.open(options);
  queues.push(q);
  await q.ready;
  return q;
}
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("DurableQueue", () => {
  it("appends JSON lines, survives a reopen, and replays only what was not acknowledged", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s1", pid: 11, isAlive: () => true });
    const [a, b, c] = [idle(), idle(), idle()];
    await Promise.all([q.append(a), q.append(b), q.append(c)]);
    assert.equal(lines(q.path).length, 3);
    q.ack(a.eventId);
    await q.idle();
    assert.equal(lines(q.path).length, 3, "an acknowledgement does not rewrite the log");
    assert.match(readFileSync(`${q.path}.ack`, "utf8"), new RegExp(`"eventId":"${a.eventId}"`));
    const again = await opened({ dir, sessionId: "s1", pid: 11, isAlive: () => true });
    assert.deepEqual(
      again.all().map((e) => e.eventId),
      [b.eventId, c.eventId],
    );
    again.ack(b.eventId);
    again.ack(c.eventId);
    await again.idle();
    assert.equal((await opened({ dir, sessionId: "s1", pid: 11, isAlive: () => true })).size, 0);
    await again.close();
    assert.deepEqual(readdirSync(dir), [], "a drained queue leaves no file when its window closes");
  });

  it("keeps a small drained log, so later events of the same source do not copy it; removes a large one", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 18, isAlive: () => true });
    const a = started();
    await q.append(a);
    q.ack(a.eventId);
    await q.idle();
    const b = started();
    await q.append(b);
    assert.deepEqual(
      lines(q.path).map((l) => l.kind ?? l.type),
      ["source", "cellStarted", "cellStarted"],
      "the source once, though the log had drained in between",
    );
    q.ack(b.eventId);
    // more than 1 MiB of sources, drained: the log goes
    for (let i = 0; i < 150; i++) {
      const e = started(`${SOURCE}# ${i}\n`);
      await q.append(e);
      q.ack(e.eventId);
    }
    await q.idle();
    assert.equal(existsSync(q.path), false, "a drained log over 1 MiB is removed");
    assert.equal(existsSync(`${q.path}.ack`), false);
    const c = started();
    await q.append(c);
    assert.deepEqual(
      lines(q.path).map((l) => l.kind ?? l.type),
      ["source", "cellStarted"],
      "a fresh log writes its source again",
    );
  });

  it("writes a notebook's source once; events name it by hash; a reopened queue still has it", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 12, isAlive: () => true });
    const events = [started(), started(), started(), started(SOURCE + "y = 2\n")];
    for (const e of events) await q.append(e);
    const written = lines(q.path);
    assert.deepEqual(
      written.map((l) => l.kind ?? l.type),
      ["source", "cellStarted", "cellStarted", "cellStarted", "source", "cellStarted"],
    );
    assert.ok(written.every((l) => !("notebook" in l) || !("source" in (l.notebook as object))));
    const hash = sourceHash(SOURCE);
    assert.equal((written[1].notebook as { sourceHash: string }).sourceHash, hash);
    assert.ok(readFileSync(q.path).length < 2.5 * SOURCE.length, "two sources, not four");
    const again = await opened({ dir, sessionId: "s", pid: 12, isAlive: () => true });
    assert.equal(again.sourceOf(hash), SOURCE);
    assert.equal(again.size, 4);
  });

  it("reads a line an earlier version wrote (source inline) as an event with a hash", async () => {
    const dir = tempDir();
    const legacy = started();
    writeFileSync(join(dir, "13.s.jsonl"), `${JSON.stringify(legacy)}\n`);
    const q = await opened({ dir, sessionId: "s", pid: 13, isAlive: () => true });
    const e = q.peek()!;
    assert.ok("notebook" in e && e.notebook.source === undefined);
    assert.equal("notebook" in e && q.sourceOf(e.notebook.sourceHash!), SOURCE);
  });

  it("sets a torn last line aside and cuts it off, so the next append is a line of its own", async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const q = await opened({ dir, sessionId: "s", pid: 14, isAlive: () => true });
    const first = idle();
    await q.append(first);
    writeFileSync(q.path, `${readFileSync(q.path, "utf8")}{"type":"executionIdle","notebookUri":"x","eve`);
    const again = await opened({
      dir,
      sessionId: "s",
      pid: 14,
      isAlive: () => true,
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(again.size, 1);
    const next = idle();
    await again.append(next);
    const reopened = await opened({ dir, sessionId: "s", pid: 14, isAlive: () => true });
    assert.deepEqual(
      reopened.all().map((e) => e.eventId),
      [first.eventId, next.eventId],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /1 unreadable line\(s\).*torn write/);
    assert.match(readFileSync(join(dir, "malformed.jsonl"), "utf8"), /"eve/);
  });

  it("a dead window's file with malformed lines (notebook: null) is adopted without them, with one warning", async () => {
    const dir = tempDir();
    const good = idle("file:///a.ipynb");
    const bad1 = { ...started(), notebook: null };
    const bad2 = { type: "executionIdle", eventId: "x", at: 1, notebookUri: 7 };
    writeFileSync(
      join(dir, "31.old.jsonl"),
      [JSON.stringify(bad1), JSON.stringify(good), "not json", JSON.stringify(bad2), ""].join("\n"),
    );
    writeFileSync(join(dir, "32.older.jsonl"), `${JSON.stringify({ ...idle(), at: "soon" })}\n`);
    const warnings: string[] = [];
    let id = 0;
    const q = await opened({
      dir,
      sessionId: "new",
      pid: 33,
      isAlive: (pid) => pid === 33,
      newId: () => `close${++id}`,
      onWarning: (m) => warnings.push(m),
    });
    assert.deepEqual(
      q.all().map((e) => e.eventId),
      [good.eventId, "close1"],
    );
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /4 unreadable line\(s\)/);
    const setAside = lines(join(dir, "malformed.jsonl"));
    assert.deepEqual(
      setAside.map((l) => l.reason),
      ["notebook is not an object", "not JSON", "notebookUri is not a string", "no time (at)"],
    );
    assert.deepEqual(readdirSync(dir).sort(), ["33.new.jsonl", "malformed.jsonl"]);
  });

  it("adopts the queue of a window that is gone, in event order, from its acknowledged offset, closing its notebooks in its session", async () => {
    const dir = tempDir();
    const dead = await opened({ dir, sessionId: "old", pid: 21, isAlive: () => true });
    const e0 = { ...idle("file:///a.ipynb"), at: 0, sessionId: "old" };
    // e1 as an earlier version of the extension queued it: without a sessionId
    const e1 = { ...idle("file:///a.ipynb"), at: 1 };
    const e2 = { ...started(SOURCE, "file:///b.ipynb"), at: 2, sessionId: "old" };
    for (const e of [e0, e1, e2]) await dead.append(e);
    dead.ack(e0.eventId);
    await dead.idle();
    const alive = await opened({ dir, sessionId: "other", pid: 22, isAlive: () => true });
    await alive.append(idle("file:///c.ipynb"));
    let id = 0;
    const mine = await opened({
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
      "the acknowledged e0 is not replayed",
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
    assert.equal(mine.sourceOf(sourceHash(SOURCE)), SOURCE, "the adopted source came along");
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ["22.other.jsonl", "23.new.jsonl"], "the live window's queue is left alone");
  });

  it("an .ack that does not fit the log (another log's, or torn) replays the whole log", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 15, isAlive: () => true });
    const [a, b] = [idle(), idle()];
    await q.append(a);
    await q.append(b);
    writeFileSync(`${q.path}.ack`, JSON.stringify({ offset: 5, eventId: a.eventId }));
    assert.equal((await opened({ dir, sessionId: "s", pid: 15, isAlive: () => true })).size, 2);
    writeFileSync(`${q.path}.ack`, '{"offset": 4');
    assert.equal((await opened({ dir, sessionId: "s", pid: 15, isAlive: () => true })).size, 2);
  });

  it("sets a rejected event aside in rejected.jsonl, with its source", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 16, isAlive: () => true });
    const e = started();
    await q.append(e);
    q.deadLetter(e.eventId, "bad");
    await q.idle();
    assert.equal(q.size, 0);
    const [rejected] = lines(join(dir, "rejected.jsonl"));
    assert.equal(rejected.reason, "bad");
    assert.equal((rejected.event as { notebook: { source: string } }).notebook.source, SOURCE);
  });

  it("queuedEventsIn reads what waits, skipping acknowledged events and source records", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 17, isAlive: () => true });
    const [a, b] = [started(), idle()];
    await q.append(a);
    await q.append(b);
    q.ack(a.eventId);
    await q.idle();
    assert.deepEqual(
      (await queuedEventsIn(dir)).map((e) => e.eventId),
      [b.eventId],
    );
  });
});

/** A server that applies each eventId once, as lamin/track does, and keeps sources by hash. */
class FakeServer {
  readonly applied: string[] = [];
  readonly answers: Array<{ eventId: string; duplicate: boolean }> = [];
  readonly sourcesReceived: string[] = [];
  sources = new Set<string>();
  up = true;
  onAnswer?: (e: TrackEvent) => void;

  send = async (e: TrackEvent): Promise<Delivery> => {
    if (!this.up) return { kind: "unavailable", error: `down ${e.eventId}` };
    if ("notebook" in e) {
      if (e.notebook.source !== undefined) {
        this.sourcesReceived.push(e.eventId);
        this.sources.add(sourceHash(e.notebook.source));
      } else if (!this.sources.has(e.notebook.sourceHash!))
        return { kind: "sourceUnknown", error: "unknown source" };
    }
    const duplicate = this.applied.includes(e.eventId);
    if (!duplicate) this.applied.push(e.eventId);
    this.answers.push({ eventId: e.eventId, duplicate });
    this.onAnswer?.(e);
    const result: TrackResult = { run: null, duplicate };
    return { kind: "ok", result };
  };
}

describe("EventSender", () => {
  it("delivers in order, keeps events while the server is unavailable, and replays them when kicked", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 41, isAlive: () => true });
    const server = new FakeServer();
    server.up = false;
    const delivered: string[] = [];
    let unavailable = 0;
    const sender = new EventSender(q, {
      send: server.send,
      onDelivered: (e) => delivered.push(e.eventId),
      onUnavailable: () => unavailable++,
      minDelayMs: 10_000,
    });
    const events = [idle(), idle(), idle()];
    for (const e of events) await sender.enqueue(e);
    await sender.kick();
    assert.equal(q.size, 3);
    assert.ok(unavailable >= 1);
    // a new queue object on the same file (a restarted window) sees the same events
    assert.equal((await opened({ dir, sessionId: "s", pid: 41, isAlive: () => true })).size, 3);
    server.up = true;
    await sender.kick();
    assert.deepEqual(
      delivered,
      events.map((e) => e.eventId),
    );
    assert.equal(q.size, 0);
    sender.dispose();
  });

  it("sends a source once, again after the server forgot it (sourceUnknown) or restarted", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 42, isAlive: () => true });
    const server = new FakeServer();
    const sender = new EventSender(q, { send: server.send });
    const [a, b, c, d] = [started(), started(), started(), started()];
    await sender.enqueue(a);
    await sender.enqueue(b);
    await sender.kick();
    assert.deepEqual(server.sourcesReceived, [a.eventId], "b carried the hash alone");
    server.sources.clear(); // the server dropped it
    await sender.enqueue(c);
    await sender.kick();
    assert.deepEqual(server.sourcesReceived, [a.eventId, c.eventId], "asked again, c went with its source");
    sender.forgetSources(); // a new server process
    await sender.enqueue(d);
    await sender.kick();
    assert.deepEqual(server.sourcesReceived, [a.eventId, c.eventId, d.eventId]);
    assert.deepEqual(
      server.applied,
      [a, b, c, d].map((e) => e.eventId),
      "each applied once, in order",
    );
  });

  it("a crash between the server's answer and the acknowledgement replays the event, which the server applies once", async () => {
    const dir = tempDir();
    const crashed = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 43, isAlive: () => true });
    const server = new FakeServer();
    const [a, b, c] = [started(), idle(), idle()];
    for (const e of [a, b, c]) await q.append(e);
    // the disk as it is the moment the server has answered b, before b's acknowledgement: a crash here
    server.onAnswer = (e) => {
      if (e.eventId === b.eventId) cpSync(dir, crashed, { recursive: true });
    };
    const sender = new EventSender(q, { send: server.send });
    await sender.kick();
    assert.equal(q.size, 0);
    // the next window finds the crashed one's log (its process is gone) and replays from its offset
    const next = await opened({ dir: crashed, sessionId: "s2", pid: 44, isAlive: (pid) => pid === 44 });
    const replay = next.all().map((e) => e.eventId);
    assert.ok(replay.includes(b.eventId), `b is replayed: ${replay.join(", ")}`);
    const restarted = new FakeServer();
    restarted.applied.push(...server.applied); // the database remembers what was applied
    await new EventSender(next, { send: restarted.send }).kick();
    assert.equal(next.size, 0);
    assert.deepEqual(
      restarted.answers.filter((x) => x.eventId === b.eventId),
      [{ eventId: b.eventId, duplicate: true }],
      "b's replay changed nothing",
    );
    assert.deepEqual(
      restarted.applied.slice(0, 3),
      [a, b, c].map((e) => e.eventId),
    );
    assert.equal(restarted.applied.length, 4, "a, b, c once each, and the dead window's notebook closed");
    await next.close();
    assert.deepEqual(readdirSync(crashed), [], "drained and closed: no files left");
  });

  it("sets an event aside after repeated rejections and goes on with the next", async () => {
    const dir = tempDir();
    const q = await opened({ dir, sessionId: "s", pid: 51, isAlive: () => true });
    const bad = idle();
    const good = idle();
    const delivered: string[] = [];
    const sender = new EventSender(q, {
      send: async (e): Promise<Delivery> =>
        e.eventId === bad.eventId ? { kind: "rejected", error: "nope" } : ok,
      onDelivered: (e) => delivered.push(e.eventId),
      maxRejections: 2,
      minDelayMs: 1,
      maxDelayMs: 1,
    });
    await sender.enqueue(bad);
    await sender.enqueue(good);
    while (q.size) await sender.kick();
    assert.deepEqual(delivered, [good.eventId]);
    await q.idle();
    assert.ok(existsSync(join(dir, "rejected.jsonl")));
    sender.dispose();
  });
});
