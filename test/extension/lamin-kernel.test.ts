// Notebooks that call ln.track() on the real kernel (ipykernel behind jupyter-server, driven by the companion
// as the Jupyter extension drives it), with a stand-in for LaminDB's Python client importable as `lamindb`
// (test/fixtures/python/lamindb: it writes through psycopg2 the rows ln.track()/ln.finish() write). The
// extension is connected to the same PostgreSQL database; the kernel gets its URL from its environment.
// Narrow runs: `node scripts/test.mjs extension test/extension/lamin-kernel.test.ts`.
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { buildSuite, prepare, REPO, reportSuite, runSuite, startSession, type Session } from "./e2e/session";
import { writeLaminNotebooks } from "./e2e/lamin-notebooks";
import { startPostgres, type ThrowawayPostgres } from "../../scripts/postgres.mjs";

describe("ln.track() notebooks on the real kernel", { timeout: 20 * 60_000 }, () => {
  let pg: ThrowawayPostgres | undefined;
  let s: Session | undefined;
  before(async () => {
    prepare();
    pg = await startPostgres({ dedicated: true });
    s = await startSession("lamin", {
      trusted: true,
      pythonPath: [join(REPO, "test/fixtures/python")],
      env: { LAMIN_STANDIN_DATABASE_URL: pg.url },
    });
    writeLaminNotebooks(s.workspace);
  });
  after(async () => {
    await s?.stop();
    await pg?.stop();
    // as code-server.test.ts: a harness handle left open must not hold npm test (say which, then exit)
    setTimeout(() => {
      console.error(
        `[e2e] still alive 5 s after the last test: ${process.getActiveResourcesInfo().join(", ")}`,
      );
      process.exit();
    }, 5000).unref();
  });

  test("LaminDB's run adopted: one run, the extension's cells under _aux.lamin_vscode", async (t) => {
    const suite = await buildSuite(join(s!.dir, "suite"), {
      mode: "lamin",
      workspace: s!.workspace,
      resultsFile: join(s!.dir, "results.json"),
      seededLabels: [],
      postgres: { url: pg!.url, ...pg!.commands! },
    });
    const out = await runSuite(s!, suite, join(s!.dir, "results.json"), 15 * 60_000);
    await reportSuite(t, "lamin", out);
  });
});
