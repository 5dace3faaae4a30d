// The embedded database folder: one process holds it; a second process is refused with a clear
// error naming the holder and writes nothing; close() releases everything.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { connect, InstanceLockedError, Transform, Run } from "../../db/index";
import { LOCK_FILE } from "../../db/connection/folder-lock";

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), "lamin-embedded-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Runs a script in a separate Node process (the real second opener), returning its output once it
 * exited. Creating LaminDB's tables takes minutes on a loaded machine, so the script's work has no time
 * limit (a hang guard only ends a process that never gets anywhere); once it printed `last` (its work is
 * done) it must exit by itself, and a minute after that it is taken for a process kept alive by a handle.
 */
function runNode(
  script: string,
  env: Record<string, string>,
  last?: RegExp,
): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const stop = (why: string) => () => {
      child.kill("SIGKILL");
      reject(new Error(`${why}: ${out}`));
    };
    let timer = setTimeout(stop("the child never finished its work"), 15 * 60_000);
    let done = false;
    const read = (d: Buffer) => {
      out += d;
      if (done || !last?.test(out)) return;
      done = true;
      clearTimeout(timer);
      timer = setTimeout(stop("the child did not exit after its work was done"), 60_000);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - started });
    });
  });
}

const secondOpener = `
const { connect, Transform } = require("./db/index.ts");
(async () => {
  try {
    const ln = await connect({ dir: process.env.DIR });
    await new Transform({ key: "from-second-process.py", kind: "script" }).save();
    console.log("OPENED");
    await ln.close();
  } catch (e) {
    console.log("REFUSED " + e.name + ": " + e.message);
  }
})();
`;

test("a second process is refused, names the holder, and writes nothing", async () => {
  const dir = newDir();
  const ln = await connect({ dir, setDefault: false });
  try {
    const before = Number((await ln.knex("lamindb_transform").count("* as n"))[0].n);
    const r = await runNode(secondOpener, { DIR: dir }, /REFUSED|OPENED/);
    assert.match(r.out, /REFUSED InstanceLockedError: The database folder .* is in use by process (\d+)/);
    assert.ok(r.out.includes(`process ${process.pid} `), `names this process: ${r.out}`);
    assert.ok(!r.out.includes("OPENED"));
    const after = Number((await ln.knex("lamindb_transform").count("* as n"))[0].n);
    assert.equal(after, before, "the second process wrote nothing");
  } finally {
    await ln.close();
  }
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, "close() removes the lock");
});

test("in the same process too, a second connect to a held folder is refused", async () => {
  const dir = newDir();
  const ln = await connect({ dir, setDefault: false });
  try {
    await assert.rejects(connect({ dir, setDefault: false }), InstanceLockedError);
  } finally {
    await ln.close();
  }
});

test("data persists across close and reopen; a process that closes exits by itself", async () => {
  const dir = newDir();
  const script = `
const { connect, Transform, Run } = require("./db/index.ts");
(async () => {
  const ln = await connect({ dir: process.env.DIR });
  const t = await new Transform({ key: "persist.ipynb", kind: "notebook" }).save();
  for (let i = 0; i < 20; i++) await new Run(t).save();
  await ln.close();
  console.log("CLOSED");
})();
`;
  const r = await runNode(script, { DIR: dir }, /CLOSED/);
  assert.match(r.out, /CLOSED/);
  assert.equal(r.code, 0, "no handle kept the process alive after close()");
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  const ln = await connect({ dir });
  try {
    assert.equal(await Run.filter({ transform__key: "persist.ipynb" }).count(), 20);
    assert.equal((await Transform.get({ key: "persist.ipynb" })).kind, "notebook");
    // the resident-memory setting (db/connection/pglite.ts), passed at start, not written to the folder
    const shown = await ln.knex.raw("SHOW shared_buffers");
    assert.equal((shown.rows as Array<{ shared_buffers: string }>)[0].shared_buffers, "16MB");
    assert.equal(
      existsSync(join(dir, "postgresql.auto.conf")) &&
        /shared_buffers/.test(readFileSync(join(dir, "postgresql.auto.conf"), "utf8")),
      false,
    );
  } finally {
    await ln.close();
  }
});

test("a lock left by a dead process is taken over", async () => {
  const dir = newDir();
  // a pid that is not running: spawn and reap a short-lived process
  const dead = await runNode("process.exit(0)", {});
  assert.equal(dead.code, 0);
  const child = spawn(process.execPath, ["-e", "0"]);
  const pid = child.pid!;
  await new Promise((r) => child.on("exit", r));
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({
      pid,
      hostname: (await import("node:os")).hostname(),
      startedAt: "2020-01-01T00:00:00Z",
    }),
  );
  const ln = await connect({ dir, setDefault: false });
  await ln.close();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});
