// PGlite has no lock of its own: two processes writing one data folder silently lose rows. This
// lock file makes one process the holder; a second opener gets InstanceLockedError naming it.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InstanceLockedError } from "../errors";

export const LOCK_FILE = "lamin-vscode.lock";

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  /** Set by a holder that serves the folder to other processes (pglite-socket). */
  port?: number;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
  } catch {
    return undefined; // missing, or half-written by a process that died mid-write
  }
}

/** Whether the process holding a lock still runs (a holder on another machine is assumed alive). */
export function holderAlive(holder: Pick<LockHolder, "pid" | "hostname">): boolean {
  if (holder.hostname !== hostname()) return true; // cannot check another machine: assume alive
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
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
    const path = join(dir, LOCK_FILE);
    const me: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, "wx", 0o600);
        try {
          writeSync(fd, JSON.stringify(me));
        } finally {
          closeSync(fd);
        }
        return new FolderLock(path, me);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const holder = readHolder(path);
      if (holder && holderAlive(holder)) {
        throw new InstanceLockedError(
          `The database folder ${dir} is in use by process ${holder.pid} on ${holder.hostname} (since ${holder.startedAt}). ` +
            `Close the other VS Code window or program using it, or connect through it.`,
          holder,
        );
      }
      // Stale lock of a dead process: move it aside atomically so only one contender removes it.
      const aside = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch {
        // another process moved it first; try again
      }
    }
    throw new Error(`Could not take the lock ${path}; remove it if no process uses the folder`);
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
    const current = readHolder(this.path);
    if (current && current.pid === this.holder.pid && current.startedAt === this.holder.startedAt) {
      rmSync(this.path, { force: true });
    }
  }
}

export function readLockHolder(dir: string): LockHolder | undefined {
  return readHolder(join(dir, LOCK_FILE));
}
