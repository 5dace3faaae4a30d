// The embedded database is private to its owner: the folder 0700 and its files 0600 (PGlite unpacks
// a new database readable by everyone), and the holder's socket asks every connection for the
// folder's secret (SCRAM-SHA-256). The attack that used to work is replayed as another OS user
// (`nobody`, through runuser): list and read the folder, then connect to the holder's port without the
// secret, with a wrong one, and with a query sent straight after the startup message. Each must fail,
// and lamindb_transform must be as it was.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { holderUrl } from "../../server/connection/embedded";
import { readLockHolder } from "../../db/index";
import { LspClient } from "./lsp-client";
import { evaluateOk } from "./fixtures";

const isRoot = process.getuid?.() === 0;
const runuser = spawnSync("runuser", ["--help"]).status === 0;
const asOtherUser = isRoot && runuser ? false : "needs root and runuser to act as another OS user";

/** Every path under dir whose mode lets anyone but the owner in. */
function tooOpen(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if ((st.mode & 0o077) !== 0) out.push(`${p.slice(dir.length) || "/"} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) readdirSync(p).forEach((n) => walk(join(p, n)));
  };
  walk(dir);
  return out;
}

// What the other user runs: only Node built-ins, so nothing of the repo needs to be readable to it.
const ATTACK = String.raw`
const fs = require("node:fs");
const net = require("node:net");
const crypto = require("node:crypto");
const [dir, port] = process.argv.slice(1);
const out = { uid: process.getuid() };
const tryFs = (name, fn) => { try { fn(); out[name] = "OK"; } catch (e) { out[name] = e.code; } };
tryFs("readdir", () => fs.readdirSync(dir));
tryFs("readVersion", () => fs.readFileSync(dir + "/PG_VERSION"));
tryFs("readSecret", () => fs.readFileSync(dir + "/lamin-vscode.secret"));
tryFs("readLock", () => fs.readFileSync(dir + "/lamin-vscode.lock"));
tryFs("write", () => fs.writeFileSync(dir + "/intruder", "x"));

function startup(user) {
  const body = Buffer.from("user\0" + user + "\0database\0postgres\0\0");
  const b = Buffer.alloc(8 + body.length);
  b.writeInt32BE(8 + body.length, 0); b.writeInt32BE(196608, 4); body.copy(b, 8);
  return b;
}
function typed(type, payload) {
  const b = Buffer.alloc(5 + payload.length);
  b.write(type, 0); b.writeInt32BE(4 + payload.length, 1); payload.copy(b, 5);
  return b;
}
// one conversation: send the first message, then answer each reply with next(reply) until it
// returns nothing; resolves with the list of (type, auth code) replies and whether the server closed
function converse(first, next) {
  return new Promise((resolve) => {
    const seen = [];
    const s = net.connect(Number(port), "127.0.0.1");
    let buf = Buffer.alloc(0);
    const finish = (how) => { s.destroy(); resolve({ seen, how }); };
    s.on("connect", () => s.write(first));
    s.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5 && buf.length >= buf.readInt32BE(1) + 1) {
        const len = buf.readInt32BE(1);
        const msg = buf.subarray(0, len + 1);
        buf = buf.subarray(len + 1);
        const type = String.fromCharCode(msg[0]);
        const code = type === "R" ? msg.readInt32BE(5) : type === "E" ? /C([0-9A-Z]{5})/.exec(msg.toString())?.[1] : undefined;
        seen.push(type + (code === undefined ? "" : ":" + code));
        const reply = next(type, code, msg);
        if (reply) s.write(reply);
      }
    });
    s.on("close", () => finish("closed"));
    s.on("error", (e) => finish(e.code));
    setTimeout(() => finish("timeout"), 20000);
  });
}
(async () => {
  // 1. a query right after the startup message, as if no password were asked
  const q = Buffer.from("UPDATE lamindb_transform SET description = 'pwned'\0");
  out.queryWithoutAuth = await converse(Buffer.concat([startup("postgres"), typed("Q", q)]), () => undefined);
  // 2. SCRAM with a guessed password
  let clientFirstBare = "n=*,r=" + crypto.randomBytes(18).toString("base64");
  out.wrongPassword = await converse(startup("postgres"), (type, code, msg) => {
    if (type === "R" && code === 10) {
      const first = Buffer.from("n,," + clientFirstBare);
      const len = Buffer.alloc(4); len.writeInt32BE(first.length);
      return typed("p", Buffer.concat([Buffer.from("SCRAM-SHA-256\0"), len, first]));
    }
    if (type === "R" && code === 11) {
      const serverFirst = msg.subarray(9).toString();
      const nonce = /r=([^,]+)/.exec(serverFirst)[1];
      const proof = crypto.randomBytes(32).toString("base64");
      return typed("p", Buffer.from("c=biws,r=" + nonce + ",p=" + proof));
    }
    if (type === "R" && code === 0) return typed("Q", q);
  });
  console.log(JSON.stringify(out));
})();
`;

describe("the embedded database is private", () => {
  let parent: string;
  let dir: string;
  let client: LspClient;
  before(async () => {
    parent = mkdtempSync(join(tmpdir(), "lamin-private-"));
    chmodSync(parent, 0o755); // anyone may reach the folder's name, as in a home directory
    dir = join(parent, "db");
    mkdirSync(dir, { mode: 0o755 }); // a folder made before, open to everyone
    chmodSync(dir, 0o755);
    client = await LspClient.start({
      database: { kind: "embedded", dir },
      user: { handle: "owner" },
      trusted: true,
      sessionId: "private",
    });
    await client.ready();
    await evaluateOk(
      client,
      'await new ln.Transform({ key: "private.ipynb", kind: "notebook", description: "mine" }).save()',
    );
  });
  after(async () => {
    await client?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  test("the folder is 0700 and every file in it 0600", () => {
    assert.equal(lstatSync(dir).mode & 0o777, 0o700);
    assert.ok(readdirSync(dir).length > 10, "PGlite's files are there");
    assert.deepEqual(tooOpen(dir), []);
  });

  test("the owner connects with the secret; without it, or with a wrong one, the holder refuses", async () => {
    const url = holderUrl(dir)!;
    assert.ok(url, "a holder serves the folder");
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    const r = await owner.query("SELECT description FROM lamindb_transform WHERE key = 'private.ipynb'");
    assert.equal(r.rows[0].description, "mine");
    await owner.end();
    const u = new URL(url);
    for (const password of ["", "guess", u.password.slice(0, -1) + (u.password.endsWith("0") ? "1" : "0")]) {
      u.password = password;
      const c = new pg.Client({ connectionString: u.toString() });
      c.on("error", () => {});
      await assert.rejects(c.connect(), (e: Error & { code?: string }) => {
        // an empty password never leaves the client; any other is refused by the holder
        return password === "" ? /password/.test(e.message) : e.code === "28P01";
      });
    }
  });

  test(
    "as another OS user (nobody): no file can be read, no connection gets in, nothing changes",
    { skip: asOtherUser },
    async () => {
      const port = readLockHolder(dir)!.port!;
      const r = spawnSync(
        "runuser",
        ["-u", "nobody", "--", process.execPath, "-e", ATTACK, dir, String(port)],
        {
          cwd: "/",
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown> & {
        queryWithoutAuth: { seen: string[]; how: string };
        wrongPassword: { seen: string[]; how: string };
      };
      assert.notEqual(out.uid, 0, "the attack ran as another user");
      for (const k of ["readdir", "readVersion", "readSecret", "readLock", "write"])
        assert.equal(out[k], "EACCES", `${k}: ${String(out[k])}`);
      // the port is reachable (the holder asks for SCRAM), but no AuthenticationOk ever comes
      assert.deepEqual(out.queryWithoutAuth.seen, ["R:10", "E:28P01"], JSON.stringify(out.queryWithoutAuth));
      assert.deepEqual(
        out.wrongPassword.seen,
        ["R:10", "R:11", "E:28P01"],
        JSON.stringify(out.wrongPassword),
      );
      assert.equal(out.wrongPassword.how, "closed");
      const owner = new pg.Client({ connectionString: holderUrl(dir)! });
      await owner.connect();
      const rows = await owner.query("SELECT key, description FROM lamindb_transform ORDER BY id");
      await owner.end();
      assert.deepEqual(
        rows.rows,
        [{ key: "private.ipynb", description: "mine" }],
        "lamindb_transform as it was",
      );
      assert.deepEqual(tooOpen(dir), [], "nothing was added by the other user");
    },
  );
});
