// The language server benchmark (issue 4): the real dist/server.js over stdio, driven by an LSP
// client, each figure beside the bare operation it stands on, measured in the same run:
//   - completion round trip in `ln.ULabel.get(name="<prefix>` with 1,000,000 ULabels vs the bare
//     SQL prefix query (lower(name) LIKE 'x%' LIMIT 50) from this process, on PostgreSQL and PGlite,
//     and beside both the server's own statements sent bare from this process (PostgreSQL: the
//     prefix half + contains half in one; PGlite: the prefix half, then the contains half when it
//     found few): round trip - statements = what the server and LSP add, statements - prefix
//     query = what the contains half and its planning add;
//   - server RSS after that, on PostgreSQL and on PGlite (the holder, PGlite inside it), and its
//     median, p99 and max sampled after every 100 of the 2,000 completions (one point after the run
//     swings with when V8 last ran a major GC; the sampled figures show the level over the run);
//   - a notebook execution event (lamin/track) in -> its run row committed, vs a bare INSERT of a run.
// Run: node --import tsx bench/server-bench.ts  (prints a table, merges into bench/results.json).
// Smaller: BENCH_SERVER_ULABELS=100000 BENCH_SERVER_BACKENDS=postgres.
// Profile the server: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (space-separated).
// A/B on PostgreSQL: BENCH_SERVER_COMPARE=/path/to/other/dist/server.js (a copy of dist/ inside the
// checkout, so it finds node_modules) runs a second server of that build beside this one, on the same
// database, its completions interleaved with this one's ("compare" figures; printed, not recorded).
// BENCH_SERVER_COMPARE_NODE_ARGS adds node flags to the compare server only: with COMPARE set to this
// checkout's own dist/server.js, an A/B of a flag (e.g. "--max-semi-space-size=8").
// The tail: BENCH_SERVER_TRACE=/tmp/x writes /tmp/x-<backend>, a line per timed call (variant, index,
// prefix, start as epoch ms, ms, diagnostics published meanwhile); with
// BENCH_SERVER_NODE_ARGS="--import <checkout>/bench/gc-log.mjs" each server logs its GC pauses to
// /tmp/gc-<pid>.log (epoch start ms, pause ms, kind), so slow completions can be matched to pauses.
import { createHash } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import {
  connect,
  runTypeahead,
  Transform,
  typeaheadStatement,
  ULabel,
  type TypeaheadPlan,
} from "../db/index";
import { LspClient, at } from "../test/server/lsp-client";
import { holderUrl } from "../server/connection/embedded";
import type { TrackEvent } from "../server/protocol";
import {
  envInt,
  figure,
  mergeResults,
  printTable,
  summarize,
  timeInterleaved,
  type BenchFigure,
} from "./figures";

type Backend = "postgres" | "pglite";
const ULABELS = envInt("BENCH_SERVER_ULABELS", 1_000_000);
const COMPLETIONS = envInt("BENCH_SERVER_COMPLETIONS", 2_000);
const EXECUTIONS = envInt("BENCH_SERVER_EXECUTIONS", 300);
const BACKENDS = (process.env.BENCH_SERVER_BACKENDS ?? "postgres,pglite")
  .split(",")
  .filter((b): b is Backend => b === "postgres" || b === "pglite");

const SERVER_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
const COMPARE = process.env.BENCH_SERVER_COMPARE;

const log = (m: string) => console.log(`[server-bench] ${m}`);
const cleanups: Array<() => Promise<void>> = [];

/** Gene-like names (CD8, KLR12, ABT3-AS1, ...), unique by the trailing row number where needed. */
const NAME_SQL = `translate(upper(substr(md5(i::text), 1, 2 + i % 3)), '0123456789', 'GHKLMNPRST') || (1 + i % 97)::text
  || CASE i % 10 WHEN 5 THEN '-AS1' WHEN 6 THEN '-DT' ELSE '' END || CASE WHEN i % 7 = 0 THEN '_' || i::text ELSE '' END`;
const UID_SQL = `lpad(to_hex(i), 8, '0')`;

export async function load(
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  n: number,
): Promise<void> {
  const t0 = Date.now();
  await query("SET session_replication_role = replica"); // no triggers or FK checks while loading
  const chunk = 250_000;
  for (let start = 1; start <= n; start += chunk) {
    await query(
      `INSERT INTO lamindb_ulabel (uid, name, created_by_id) SELECT ${UID_SQL}, ${NAME_SQL}, 1 FROM generate_series(?::int, ?::int) AS i`,
      [start, Math.min(n, start + chunk - 1)],
    );
  }
  await query("SET session_replication_role = origin");
  // what autovacuum does soon after a bulk load: hint bits and the visibility map set, statistics
  // fresh; without it the first reads of each row write its page, which no steady database does
  await query("VACUUM (ANALYZE) lamindb_ulabel");
  log(`loaded ${n} ULabels in ${Date.now() - t0} ms`);
}

/** CPU time (user + system) a process has used, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Prefixes as typed: 2 letters and a number, or 3-4 letters, of the generated names; all distinct, so
 * every request is a cache miss in the server (the cache would otherwise flatter the figure). */
export function prefixes(n: number): string[] {
  const out = new Set<string>();
  for (let i = 0; out.size < n; i++) {
    const h = createHash("md5").update(`prefix-${i}`).digest("hex");
    const letters = h
      .slice(0, 4)
      .toUpperCase()
      .replace(/[0-9]/g, (d) => "GHKLMNPRST"[Number(d)]);
    const len = 2 + (parseInt(h.slice(4, 6), 16) % 3);
    out.add(
      len === 2
        ? letters.slice(0, 2) + String(1 + (parseInt(h.slice(6, 10), 16) % 97))
        : letters.slice(0, len),
    );
  }
  return [...out];
}

/** The statements the server sends for a ULabel name prefix (server/data/registry-values.ts: the value
 * column, uid and description; 50 rows a half; the contains half below 10 prefix matches), on a
 * PostgreSQL server one, on PGlite the prefix half and, when it found few, the contains half. */
export function serverStatements(
  prefix: string,
  backend: Backend,
): TypeaheadPlan<"name" | "uid" | "description"> {
  const options = {
    fields: ["name", "uid", "description"] as Array<"name" | "uid" | "description">,
    limit: 50,
    few: 10,
  };
  return typeaheadStatement(ULabel.filter({}), "name", prefix, options, backend === "pglite");
}

/** The bench's own connection to the server's database: the bare prefix query and the server's statements. */
function bareQueries(raw: pg.Client, backend: Backend) {
  return {
    bare: (prefix: string) =>
      raw.query("SELECT * FROM lamindb_ulabel WHERE lower(name) LIKE $1 AND branch_id IN (1) LIMIT 50", [
        `${prefix}%`,
      ]),
    statement: (prefix: string) =>
      runTypeahead(
        serverStatements(prefix, backend),
        async (s) => (await raw.query(s)).rows as Array<Record<string, unknown>>,
      ),
  };
}

async function completionFigures(
  backend: Backend,
  client: LspClient,
  raw: pg.Client,
  compare?: LspClient,
): Promise<BenchFigure[]> {
  const { bare, statement } = bareQueries(raw, backend);
  const uri = `file:///bench/${backend}.py`;
  const list = prefixes(COMPLETIONS + 200);
  // The goal figures are the uncached path: the server answers a prefix that extends an earlier one
  // whose answer was complete (fewer than 50 prefix matches) from that answer. At 1M ULabels no
  // prefix here has such a parent (a 3-letter parent has ~160 matches); smaller runs may: counted.
  const index = new Map(list.map((p, i) => [p.toLowerCase(), i]));
  let servable = 0;
  for (const [i, p] of list.entries())
    for (let n = 1; n < p.length; n++) {
      const parent = index.get(p.slice(0, n).toLowerCase());
      if (parent === undefined || parent > i) continue;
      const { rows } = (await bare(p.slice(0, n).toLowerCase())) as { rows: unknown[] };
      if (rows.length < 50) servable++;
    }
  log(`${servable} of ${list.length} prefixes extend an earlier complete answer (possible cache hits)`);
  let version = 1;
  client.openText(uri, 'import lamindb as ln\nln.ULabel.get(name="")', "python", version);
  compare?.openText(uri, 'import lamindb as ln\nln.ULabel.get(name="")', "python", version);
  const rss: number[] = [];
  const complete = async (c: LspClient, i: number) => {
    const p = list[(i + list.length) % list.length];
    const { text, position } = at(`import lamindb as ln\nln.ULabel.get(name="${p}|")`);
    c.changeText(uri, text, ++version);
    await c.completion(uri, position);
  };
  const variants: Record<string, (i: number) => Promise<unknown>> = {
    server: (i) => complete(client, i),
    bare: async (i) => bare(list[(i + list.length) % list.length].toLowerCase()),
    statement: async (i) => statement(list[(i + list.length) % list.length]),
  };
  if (compare) variants.compare = (i) => complete(compare, i);
  // BENCH_SERVER_TRACE: every timed call, to line up with the servers' GC logs (bench/gc-log.mjs)
  const trace = process.env.BENCH_SERVER_TRACE;
  const traced: string[] = [];
  if (trace)
    for (const k of Object.keys(variants)) {
      const f = variants[k];
      variants[k] = async (i) => {
        const c = k === "compare" ? compare : client;
        const d0 = c?.publishes.get(uri) ?? 0;
        const t0 = performance.now();
        await f(i);
        const ms = performance.now() - t0;
        const d = (c?.publishes.get(uri) ?? 0) - d0;
        traced.push(
          `${backend} ${k} ${i} ${list[(i + list.length) % list.length]} ${(performance.timeOrigin + t0).toFixed(3)} ${ms.toFixed(3)} ${d}`,
        );
      };
    }
  const cpu0 = [client, compare].map((c) => (c ? cpuMs(c.child.pid!) : 0));
  const times = await timeInterleaved(variants, {
    iterations: COMPLETIONS,
    block: 100,
    warmup: 50,
    afterBlock: () => rss.push(rssMb(client.child.pid!)),
  });
  if (trace) {
    const pids = `# server ${client.child.pid}${compare ? ` compare ${compare.child.pid}` : ""}`;
    writeFileSync(`${trace}-${backend}`, [pids, ...traced].join("\n") + "\n");
  }
  const cpu = [client, compare].map((c, i) => (c ? (cpuMs(c.child.pid!) - cpu0[i]) / (COMPLETIONS + 50) : 0));
  const s = summarize(times.server);
  const r = summarize(rss);
  const b = summarize(times.bare);
  const st = summarize(times.statement);
  if (compare) {
    const c = summarize(times.compare);
    log(
      `A/B [${backend}] p50/p99 ms: this build ${s.p50.toFixed(2)}/${s.p99.toFixed(2)}, ${COMPARE} ${c.p50.toFixed(2)}/${c.p99.toFixed(2)}, server CPU per completion ${cpu[0].toFixed(3)} vs ${cpu[1].toFixed(3)} ms, statement ${st.p50.toFixed(2)}/${st.p99.toFixed(2)}, bare ${b.p50.toFixed(2)}/${b.p99.toFixed(2)}`,
    );
  }
  const typed = await typedFigures(backend, client, uri, () => ++version, bare);
  return [
    ...typed,
    figure(`server: RSS sampled every 100 of 2,000 completions, median [${backend}]`, r.p50, "MB", {
      backend,
      samples: String(rss.length),
    }),
    // p99 beside the median as every bench does; of 20 samples it is close to the max
    figure(`server: RSS sampled every 100 of 2,000 completions, p99 [${backend}]`, r.p99, "MB", {
      backend,
      samples: String(rss.length),
    }),
    figure(`server: RSS sampled every 100 of 2,000 completions, max [${backend}]`, r.max, "MB", {
      backend,
      samples: String(rss.length),
    }),
    figure(`server: completion round trip p50, 1M ULabels [${backend}]`, s.p50, "ms", {
      baseline: { name: "bare SQL prefix query p50", value: b.p50 },
      goal: "<= 1.5 ms (issue 14)",
      target: { max: 1.5 },
      backend,
    }),
    figure(`server: completion round trip p99, 1M ULabels [${backend}]`, s.p99, "ms", {
      baseline: { name: "bare SQL prefix query p99", value: b.p99 },
      goal: "<= 8 ms (issue 14)",
      target: { max: 8 },
      backend,
    }),
    figure(`server: its typeahead statements sent bare p50, 1M ULabels [${backend}]`, st.p50, "ms", {
      baseline: { name: "bare SQL prefix query p50", value: b.p50 },
      backend,
    }),
    figure(`server: its typeahead statements sent bare p99, 1M ULabels [${backend}]`, st.p99, "ms", {
      baseline: { name: "bare SQL prefix query p99", value: b.p99 },
      backend,
    }),
  ];
}

/**
 * Names typed a key at a time, as a user types them: the server answers a keystroke that extends a
 * prefix whose answer was complete from that answer (cache on). A separate, labelled figure: the
 * goal figures above are the uncached path (all their prefixes distinct, none extending another).
 */
async function typedFigures(
  backend: Backend,
  client: LspClient,
  uri: string,
  nextVersion: () => number,
  bare: (prefix: string) => Promise<unknown>,
): Promise<BenchFigure[]> {
  // real names, from prefixes the uncached run did not use
  const names: string[] = [];
  for (const p of prefixes(COMPLETIONS + 400).slice(COMPLETIONS + 200)) {
    const { rows } = (await bare(p.toLowerCase())) as { rows: Array<{ name: string }> };
    if (rows[0]) names.push(rows[0].name);
    if (names.length === 40) break;
  }
  const times: number[] = [];
  for (const name of names) {
    for (let n = 1; n <= name.length; n++) {
      const { text, position } = at(`import lamindb as ln\nln.ULabel.get(name="${name.slice(0, n)}|")`);
      const t0 = performance.now();
      client.changeText(uri, text, nextVersion());
      await client.completion(uri, position);
      times.push(performance.now() - t0);
    }
  }
  const s = summarize(times);
  log(`typed ${names.length} names, ${times.length} keystrokes`);
  return [
    figure(
      `server: completion as typed (keystrokes extend a prefix; cache on) p50 [${backend}]`,
      s.p50,
      "ms",
      {
        backend,
      },
    ),
    figure(
      `server: completion as typed (keystrokes extend a prefix; cache on) p99 [${backend}]`,
      s.p99,
      "ms",
      {
        backend,
      },
    ),
  ];
}

async function trackFigures(client: LspClient, db: Knex, transformId: number): Promise<BenchFigure[]> {
  let seq = 0;
  const ev = (e: TrackEvent): TrackEvent => ({ ...e, eventId: `bench-${seq++}`, at: Date.now() });
  const times = await timeInterleaved(
    {
      track: async (i) => {
        const nb = { uri: `file:///bench/nb${i}.ipynb`, key: "bench.ipynb", source: "x = 1" };
        const t = Date.now();
        const r = await client.request(
          "lamin/track",
          ev({
            eventId: "",
            at: 0,
            type: "cellStarted",
            notebook: nb,
            cell: { index: 0, executionOrder: 1, startTime: t },
          }),
        );
        if (!r.run) throw new Error("no run");
      },
      bare: async (i) =>
        db.raw(
          "INSERT INTO lamindb_run (uid, transform_id, created_by_id, _status_code, name) VALUES (?, ?, 1, -1, ?) RETURNING id",
          [`bare${String(i + 100000).padStart(12, "0")}`, transformId, `bare ${i}`],
        ),
    },
    { iterations: EXECUTIONS, block: 50, warmup: 20 },
  );
  const s = summarize(times.track);
  const b = summarize(times.bare);
  return [
    figure("server: notebook event in -> run row committed p95 [postgres]", s.p95, "ms", {
      baseline: { name: "bare INSERT of a run p95", value: b.p95 },
      goal: "<= 20 ms",
      target: { max: 20 },
      backend: "postgres",
    }),
  ];
}

async function onPostgres(): Promise<BenchFigure[]> {
  // scripts/postgres.mjs is untyped .mjs: import it by URL, as bench/db-bench.ts does
  const { startPostgres } = (await import(
    pathToFileURL(join(__dirname, "..", "scripts", "postgres.mjs")).href
  )) as {
    startPostgres: (o: object) => Promise<{ url: string; stop(): Promise<void> }>;
  };
  const server = await startPostgres({ log });
  cleanups.push(() => server.stop());
  const admin = knexFactory({ client: "pg", connection: server.url, pool: { min: 0, max: 1 } });
  await admin.raw("CREATE DATABASE lamin_server_bench");
  await admin.destroy();
  const u = new URL(server.url);
  u.pathname = "/lamin_server_bench";
  const url = u.toString();
  const setup = await connect({ url });
  await load((sql, p) => setup.knex.raw(sql, (p ?? []) as Knex.RawBinding[]), ULABELS);
  const transform = await new Transform({ key: "bare.ipynb", kind: "notebook" }).save();
  await setup.close();

  const client = await LspClient.start(
    {
      database: { kind: "postgres", name: "bench", url },
      user: { handle: "bench" },
      trusted: true,
      sessionId: "bench",
    },
    { nodeArgs: SERVER_ARGS },
  );
  cleanups.push(() => client.stop());
  await client.ready();
  const compare = COMPARE
    ? await LspClient.start(
        {
          database: { kind: "postgres", name: "bench", url },
          user: { handle: "bench" },
          trusted: true,
          sessionId: "bench-compare",
        },
        {
          // BENCH_SERVER_COMPARE_NODE_ARGS: flags for the compare server only (a V8 flag A/B, same build)
          nodeArgs: [
            ...SERVER_ARGS,
            ...(process.env.BENCH_SERVER_COMPARE_NODE_ARGS ?? "").split(" ").filter(Boolean),
          ],
          server: COMPARE,
        },
      )
    : undefined;
  if (compare) {
    cleanups.push(() => compare.stop());
    await compare.ready();
  }
  const bare = new pg.Client({ connectionString: url });
  await bare.connect();
  const db = knexFactory({ client: "pg", connection: url, pool: { min: 1, max: 1 } });
  try {
    const figures = await completionFigures("postgres", client, bare, compare);
    figures.push(
      figure("server: RSS after 2,000 completions [postgres]", rssMb(client.child.pid!), "MB", {
        goal: "<= 120 MB",
        target: { max: 120 },
        backend: "postgres",
      }),
    );
    figures.push(...(await trackFigures(client, db, Number(transform.id))));
    return figures;
  } finally {
    await bare.end();
    await db.destroy();
    await client.stop();
    await compare?.stop();
  }
}

async function onPglite(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), "lamin-server-bench-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  // Load in a separate process, as a user's folder would have been filled before this session.
  const loader = spawnSync(process.execPath, ["--import", "tsx", __filename, "--load-pglite", dir], {
    stdio: "inherit",
  });
  if (loader.status !== 0) throw new Error("loading the PGlite folder failed");
  const client = await LspClient.start(
    {
      database: { kind: "embedded", dir },
      user: { handle: "bench" },
      trusted: true,
      sessionId: "bench",
    },
    { nodeArgs: SERVER_ARGS },
  );
  cleanups.push(() => client.stop());
  await client.ready(300_000);
  const bare = new pg.Client({ connectionString: holderUrl(dir) });
  await bare.connect();
  try {
    const figures = await completionFigures("pglite", client, bare);
    figures.push(
      figure("server: RSS after 2,000 completions [pglite]", rssMb(client.child.pid!), "MB", {
        goal: "<= 250 MB (issue 14)",
        target: { max: 250 },
        backend: "pglite",
      }),
    );
    return figures;
  } finally {
    await bare.end();
    await client.stop();
  }
}

async function loadPglite(dir: string): Promise<void> {
  const instance = await connect({ dir, setDefault: false });
  await load((sql, p) => instance.knex.raw(sql, (p ?? []) as Knex.RawBinding[]), ULABELS);
  await instance.close();
}

async function cleanUp(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}

export async function runServerBench(): Promise<BenchFigure[]> {
  spawnSync(process.execPath, ["scripts/build.mjs", "db", "server"], {
    stdio: "inherit",
    cwd: join(__dirname, ".."),
  });
  const figures: BenchFigure[] = [];
  try {
    if (BACKENDS.includes("postgres")) figures.push(...(await onPostgres()));
    if (BACKENDS.includes("pglite")) figures.push(...(await onPglite()));
    return figures;
  } finally {
    await cleanUp();
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--load-pglite");
  if (i > 0) return loadPglite(process.argv[i + 1]);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const figures = await runServerBench();
  printTable(figures);
  // figures are named for the full sizes; a smaller trial run is printed, not recorded, and so is an
  // A/B (a second server took turns with this one) or a profiled run
  if (ULABELS === 1_000_000 && COMPLETIONS >= 2_000 && !COMPARE && SERVER_ARGS.length === 0)
    console.log(`merged into ${mergeResults(figures)}`);
}

if (process.argv[1] && /server-bench\.ts$/.test(process.argv[1])) {
  main().catch(async (error: unknown) => {
    console.error(error);
    await cleanUp();
    process.exit(1);
  });
}
