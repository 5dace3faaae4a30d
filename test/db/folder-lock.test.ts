// The embedded folder's lock (db/connection/folder-lock.ts) against the ways a lock file lies: a pid
// that now belongs to an unrelated live process, a lock from before a reboot, another host, a damaged
// file, a takeover left unfinished, and several processes taking one stale lock at the same moment.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { InstanceLockedError } from "../../db/errors";
import {
  currentBootId,
  FolderLock,
  holderState,
  LOCK_FILE,
  processStart,
  readLockHolder,
  type LockHolder,
} from "../../db/connection/folder-lock";

const linux = process.platform === "linux";
const dirs: string[] = [];
const children: ChildProcess[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lamin-lock-"));
  dirs.push(d);
  return d;
};
after(() => {
  children.forEach((c) => c.kill("SIGKILL"));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A live process that has nothing to do with any lock. */
async function unrelatedProcess(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30); console.log('up')"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(child);
  await new Promise((r) => child.stdout!.once("data", r));
  return child.pid!;
}

function writeLock(dir: string, holder: Partial<LockHolder>): string {
  const text = JSON.stringify({ startedAt: "2020-01-01T00:00:00.000Z", hostname: hostname(), ...holder });
  writeFileSync(join(dir, LOCK_FILE), text);
  return text;
}

function takes(dir: string): void {
  const lock = FolderLock.acquire(dir);
  try {
    assert.equal(readLockHolder(dir)?.pid, process.pid, "the lock names this process now");
  } finally {
    lock.releaseSync();
  }
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
}

describe("folder lock", () => {
  test("a new lock records the boot and this process's start time, and the folder becomes private", () => {
    const dir = newDir();
    const lock = FolderLock.acquire(dir);
    try {
      const h = readLockHolder(dir)!;
      assert.equal(h.pid, process.pid);
      assert.equal(h.hostname, hostname());
      if (linux) {
        assert.equal(h.bootId, readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
        assert.match(h.procStart ?? "", /^\d+$/);
        assert.equal(h.procStart, processStart(process.pid));
      }
      assert.equal(holderState(h).state, "alive");
      if (process.platform !== "win32") {
        assert.equal(statSync(dir).mode & 0o777, 0o700);
        assert.equal(statSync(join(dir, LOCK_FILE)).mode & 0o777, 0o600);
      }
      assert.throws(() => FolderLock.acquire(dir), InstanceLockedError, "held: refused in-process too");
    } finally {
      lock.releaseSync();
    }
  });

  test(
    "a lock naming a live but unrelated process (pid reused) is taken over",
    { skip: !linux && "needs /proc" },
    async () => {
      const dir = newDir();
      const pid = await unrelatedProcess();
      const realStart = processStart(pid)!;
      // the holder that wrote this lock started at another time than the process now holding its pid
      writeLock(dir, { pid, bootId: currentBootId(), procStart: String(Number(realStart) - 1000) });
      assert.match(JSON.stringify(holderState(readLockHolder(dir)!)), /pid reused/);
      takes(dir);
      assert.doesNotThrow(() => process.kill(pid, 0), "the unrelated process was left alone");
    },
  );

  test(
    "the same live process (start time matches) keeps its lock",
    { skip: !linux && "needs /proc" },
    async () => {
      const dir = newDir();
      const pid = await unrelatedProcess();
      const text = writeLock(dir, { pid, bootId: currentBootId(), procStart: processStart(pid) });
      assert.throws(
        () => FolderLock.acquire(dir),
        (e: Error) => e instanceof InstanceLockedError && e.message.includes(`process ${pid} `),
      );
      assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), text, "left as it was");
    },
  );

  test(
    "a lock from before a reboot is stale, whatever its pid runs now",
    { skip: !linux && "needs /proc" },
    async () => {
      const dir = newDir();
      const pid = await unrelatedProcess();
      writeLock(dir, { pid, bootId: "00000000-0000-4000-8000-000000000000", procStart: processStart(pid) });
      assert.match(JSON.stringify(holderState(readLockHolder(dir)!)), /restarted/);
      takes(dir);
    },
  );

  test("a lock without boot or start time (an older version's) of a live pid is respected", async () => {
    const dir = newDir();
    const pid = await unrelatedProcess();
    writeLock(dir, { pid });
    assert.throws(() => FolderLock.acquire(dir), InstanceLockedError);
  });

  test("a lock of another host is never taken: the error names lamin-vscode.lock and what to do", () => {
    const dir = newDir();
    const text = writeLock(dir, { hostname: "build-07.example.org", pid: 4242, bootId: "x" });
    assert.throws(
      () => FolderLock.acquire(dir),
      (e: Error) => {
        assert.ok(e instanceof InstanceLockedError);
        assert.match(e.message, /another machine, build-07\.example\.org/);
        assert.ok(e.message.includes(join(dir, LOCK_FILE)), e.message);
        assert.match(e.message, /delete lamin-vscode\.lock from the folder and try again/);
        return true;
      },
    );
    assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), text, "left as it was");
  });

  test("a damaged lock is left alone while it may be being written, and taken over once old", () => {
    const dir = newDir();
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    assert.throws(() => FolderLock.acquire(dir), /being opened by another process/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    takes(dir);
  });

  test("a takeover left unfinished by a process that died is not guessed about", async () => {
    const dir = newDir();
    // a stale lock, and a claim on it by a process that is gone
    writeLock(dir, { pid: await deadPid() });
    const lockText = readFileSync(join(dir, LOCK_FILE), "utf8");
    const { createHash } = await import("node:crypto");
    const claim = `${LOCK_FILE}.takeover-${createHash("sha256").update(lockText).digest("hex").slice(0, 16)}`;
    writeFileSync(
      join(dir, claim),
      JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: "" }),
    );
    assert.throws(
      () => FolderLock.acquire(dir),
      (e: Error) =>
        e instanceof InstanceLockedError &&
        e.message.includes(`delete ${LOCK_FILE} and ${claim}`) &&
        e.message.includes("is gone"),
    );
  });

  test("forty times, four processes take one stale lock at once: exactly one wins each time", async () => {
    const ROUNDS = 40;
    const CONTENDERS = 4;
    const rounds = Array.from({ length: ROUNDS }, () => {
      const dir = newDir();
      writeLock(dir, { pid: 0x3fffffff, bootId: currentBootId() }); // no such pid
      return dir;
    });
    const script = `
      const { FolderLock } = require("./db/connection/folder-lock.ts");
      const held = [];
      process.stdin.setEncoding("utf8");
      let buf = "";
      process.stdin.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\\n")) >= 0) {
          const dir = buf.slice(0, i);
          buf = buf.slice(i + 1);
          try { held.push(FolderLock.acquire(dir)); console.log("WIN " + dir); }
          catch (e) { console.log("LOST " + e.name + " " + dir); }
        }
      });
      console.log("READY");`;
    const procs = Array.from({ length: CONTENDERS }, () => {
      const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
        cwd: process.cwd(),
        stdio: ["pipe", "pipe", "inherit"],
      });
      children.push(child);
      let out = "";
      const lines: string[] = [];
      const waiters: Array<() => void> = [];
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (d: string) => {
        out += d;
        let i;
        while ((i = out.indexOf("\n")) >= 0) {
          lines.push(out.slice(0, i));
          out = out.slice(i + 1);
        }
        waiters.splice(0).forEach((w) => w());
      });
      const until = async (n: number) => {
        while (lines.length < n) await new Promise<void>((r) => waiters.push(r));
      };
      return { child, lines, until };
    });
    await Promise.all(procs.map((p) => p.until(1))); // all READY
    for (const [k, dir] of rounds.entries()) {
      // the same line to every contender in one turn of the event loop: they race for real
      for (const p of procs) p.child.stdin!.write(`${dir}\n`);
      await Promise.all(procs.map((p) => p.until(k + 2)));
      const answers = procs.map((p) => p.lines[k + 1]);
      const wins = answers.filter((a) => a === `WIN ${dir}`);
      assert.equal(wins.length, 1, `round ${k}: ${JSON.stringify(answers)}`);
      assert.ok(
        answers.every((a) => a === `WIN ${dir}` || a === `LOST InstanceLockedError ${dir}`),
        JSON.stringify(answers),
      );
      const winner = procs[answers.indexOf(`WIN ${dir}`)].child.pid;
      assert.equal(readLockHolder(dir)?.pid, winner, "the lock names the winner");
    }
    for (const p of procs) p.child.stdin!.end();
    await Promise.all(procs.map((p) => new Promise((r) => p.child.once("exit", r))));
  });
});

/** A pid that is not running: a process that was started and has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  const pid = child.pid!;
  await new Promise((r) => child.on("exit", r));
  return pid;
}
