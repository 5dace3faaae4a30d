// PGlite has no lock of its own: two processes writing one data folder silently lose rows. This
// lock file makes one process the holder; a second opener gets InstanceLockedError naming it.
//
// A lock names its holder by pid, host, boot and (on Linux) the process's start time, so that a lock
// left behind is recognised even when its pid now belongs to an unrelated process (pid reuse) or the
// machine rebooted since. A stale lock is taken over under a claim file named for that lock's content:
// only one contender can create the claim, and while it holds it nobody else may remove that lock, so
// two windows starting together after a crash never both take the folder. A lock of another host is
// never judged from here: the error names the file and says what to do.
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InstanceLockedError } from "../errors";

export const LOCK_FILE = "lamin-vscode.lock";
const CLAIM_PREFIX = `${LOCK_FILE}.takeover-`;
/** A lock that cannot be parsed and is younger than this may be one an older version is writing. */
const UNREADABLE_GRACE_MS = 10_000;

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Linux's /proc/sys/kernel/random/boot_id when the lock was taken: a reboot makes every lock stale. */
  bootId?: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): tells the holder from a later process with its pid. */
  procStart?: string;
  /** Set by a holder that serves the folder to other processes (server/connection/socket-server.ts). */
  port?: number;
}

/** What a lock's holder is, seen from this process. */
export type HolderState = { state: "alive" } | { state: "stale"; why: string } | { state: "elsewhere" }; // another machine: cannot be checked from here

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const h = JSON.parse(text) as Partial<LockHolder> | null;
    if (!h || typeof h.pid !== "number" || typeof h.hostname !== "string") return undefined;
    return { startedAt: "", ...h } as LockHolder;
  } catch {
    return undefined; // half-written by an older version, or damaged
  }
}

/** This boot of this machine (Linux); undefined elsewhere. */
export function currentBootId(): string | undefined {
  return readText("/proc/sys/kernel/random/boot_id")?.trim() || undefined;
}

/** When process `pid` started, in clock ticks since boot (Linux); undefined where it cannot be read. */
export function processStart(pid: number | "self"): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19]; // field 22 overall: starttime
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // runs, as another user
  }
}

/** Whether a lock's holder still runs: same host and boot, the pid running, and the same process. */
export function holderState(
  holder: Pick<LockHolder, "pid" | "hostname"> & Partial<Pick<LockHolder, "bootId" | "procStart">>,
): HolderState {
  if (holder.hostname !== hostname()) return { state: "elsewhere" };
  const boot = currentBootId();
  if (holder.bootId && boot && holder.bootId !== boot)
    return { state: "stale", why: "the machine restarted since" };
  if (!pidRunning(holder.pid)) return { state: "stale", why: `process ${holder.pid} is gone` };
  if (holder.procStart) {
    const start = processStart(holder.pid);
    if (start !== undefined && start !== holder.procStart)
      return { state: "stale", why: `process ${holder.pid} is another program now (pid reused)` };
  }
  return { state: "alive" };
}

/** Whether the process holding a lock still runs (a holder on another machine is assumed alive). */
export function holderAlive(
  holder: Pick<LockHolder, "pid" | "hostname"> & Partial<Pick<LockHolder, "bootId" | "procStart">>,
): boolean {
  return holderState(holder).state !== "stale";
}

/** Makes the folder private to its owner (as PostgreSQL requires of its data folder). */
function restrictFolder(dir: string): void {
  if (process.platform === "win32") return; // ACLs: the user profile is private already
  try {
    const st = statSync(dir);
    if (st.uid === process.getuid?.() && (st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    // not ours to change: the files inside are still made 0600 by their creators
  }
}

export class FolderLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  private constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {
    process.once("exit", this.onExit);
  }

  static acquire(dir: string): FolderLock {
    restrictFolder(dir);
    const path = join(dir, LOCK_FILE);
    const me = thisProcess();
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, JSON.stringify(me))) return new FolderLock(path, me);
      const text = readText(path);
      if (text === undefined) continue; // released meanwhile: try again
      const holder = parseHolder(text);
      if (!holder) {
        if (Date.now() - mtimeOf(path) < UNREADABLE_GRACE_MS)
          throw new InstanceLockedError(
            `The database folder ${dir} is being opened by another process (its ${LOCK_FILE} is not written yet). Try again in a moment.`,
            { pid: 0, hostname: "", startedAt: "" },
          );
        takeOver(dir, path, text, "the lock file is damaged");
        continue;
      }
      const s = holderState(holder);
      if (s.state === "alive") {
        throw new InstanceLockedError(
          `The database folder ${dir} is in use by process ${holder.pid} on ${holder.hostname} (since ${holder.startedAt}). ` +
            `Close the other VS Code window or program using it, or connect through it.`,
          holder,
        );
      }
      if (s.state === "elsewhere") {
        throw new InstanceLockedError(
          `The database folder ${dir} is in use by process ${holder.pid} on another machine, ${holder.hostname} (since ${holder.startedAt}), ` +
            `says its lock file ${join(dir, LOCK_FILE)}. Close the program there; if nothing there uses the folder any more ` +
            `(or ${holder.hostname} is this machine under an earlier name), delete ${LOCK_FILE} from the folder and try again.`,
          holder,
        );
      }
      takeOver(dir, path, text, s.why);
    }
    throw new InstanceLockedError(
      `Could not take the lock ${path} (other processes keep taking it): close the other VS Code windows using ${dir}, or delete ${LOCK_FILE} if none does.`,
      { pid: 0, hostname: "", startedAt: "" },
    );
  }

  /** Record the port on which this holder serves the folder, for later openers. */
  advertise(port: number): void {
    (this.holder as LockHolder).port = port;
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(this.holder));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }

  releaseSync(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener("exit", this.onExit);
    const current = parseHolder(readText(this.path));
    if (current && current.pid === this.holder.pid && current.startedAt === this.holder.startedAt) {
      rmSync(this.path, { force: true });
    }
  }
}

/**
 * Creates the lock with its whole content at once (written to a private temporary file, then linked
 * into place, which fails if a lock exists), so no reader ever sees a lock half written. Falls back to
 * an exclusive create where the file system has no hard links.
 */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.new`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV" && code !== "ENOSYS") throw e;
    try {
      const fd2 = openSync(path, "wx", 0o600);
      try {
        writeSync(fd2, content);
      } finally {
        closeSync(fd2);
      }
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e2;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the stale lock whose content is `seen`, if it is still that lock. The claim file is named
 * for that content and created exclusively: of several contenders for the same stale lock one
 * removes it; the others find the claim, or a lock that is no longer the one they judged, and look
 * again. A claim left by a process that died mid-takeover (two syscalls apart) is not guessed about.
 */
function takeOver(dir: string, path: string, seen: string, why: string): void {
  const claim = join(dir, `${CLAIM_PREFIX}${createHash("sha256").update(seen).digest("hex").slice(0, 16)}`);
  if (!createExclusive(claim, JSON.stringify(thisProcess()))) {
    const claimant = parseHolder(readText(claim));
    if (claimant && holderState(claimant).state === "stale")
      throw new InstanceLockedError(
        `The lock file ${path} is stale (${why}), but process ${claimant.pid}, which began to take it over, is gone. ` +
          `If no program uses ${dir}, delete ${LOCK_FILE} and ${claim.slice(dir.length + 1)} from it and try again.`,
        claimant,
      );
    return; // another process is taking it over right now: look again
  }
  try {
    // still the lock that was judged stale? Nobody else can remove it while the claim is ours.
    if (readText(path) === seen) rmSync(path, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
}

/** This process, as a lock names it. */
function thisProcess(): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    ...definedOnly({ bootId: currentBootId(), procStart: processStart("self") }),
  };
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function readLockHolder(dir: string): LockHolder | undefined {
  return parseHolder(readText(join(dir, LOCK_FILE)));
}
