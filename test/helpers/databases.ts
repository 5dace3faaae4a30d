// Runs a suite against three configurations: a fresh database on the run's throwaway PostgreSQL
// server (LAMIN_TEST_POSTGRES_URL, set by scripts/test.mjs), the same kind of database reached through
// the run's PgBouncer in transaction mode (LAMIN_TEST_PGBOUNCER_URL), and an in-memory PGlite.
import { after, before, describe } from "node:test";
import { randomBytes } from "node:crypto";
import knexFactory from "knex";
import { connect, type ConnectOptions, type Instance } from "../../db/index";
import { throughPgbouncer } from "./pooler";

export type DatabaseKind = "postgres" | "pgbouncer" | "pglite";

export function postgresUrl(): string {
  const url = process.env.LAMIN_TEST_POSTGRES_URL ?? process.env.DATABASE_URL;
  if (!url)
    throw new Error("No PostgreSQL for tests: run through `npm test` (or set LAMIN_TEST_POSTGRES_URL)");
  return url;
}

/** Creates an empty database on the test server and returns its URL and a dropper. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = knexFactory({ client: "pg", connection: postgresUrl(), pool: { min: 0, max: 1 } });
  const name = `lamin_test_${randomBytes(6).toString("hex")}`;
  await admin.raw(`CREATE DATABASE ${name}`);
  const u = new URL(postgresUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

export interface DatabaseContext {
  kind: DatabaseKind;
  /** The open instance (available inside tests, after `before`). */
  readonly instance: Instance;
  /** The URL of the PostgreSQL database (postgres and pgbouncer: the one the instance was opened on). */
  readonly url?: string;
}

/** describe() once per database; `fn` gets a context whose instance is open during the tests. */
export function describeEachDatabase(
  name: string,
  fn: (ctx: DatabaseContext) => void,
  options: { connect?: Partial<ConnectOptions> } = {},
): void {
  for (const kind of ["postgres", "pgbouncer", "pglite"] as const) {
    describe(`${name} [${kind}]`, () => {
      let instance: Instance | undefined;
      let drop: (() => Promise<void>) | undefined;
      let url: string | undefined;
      const ctx: DatabaseContext = {
        kind,
        get instance() {
          if (!instance) throw new Error("instance not open yet");
          return instance;
        },
        get url() {
          return url;
        },
      };
      before(async () => {
        if (kind !== "pglite") {
          const db = await createPostgresDatabase();
          drop = db.drop;
          url = kind === "pgbouncer" ? throughPgbouncer(db.url) : db.url;
          instance = await connect({ ...options.connect, url } as ConnectOptions);
        } else {
          instance = await connect({ ...options.connect, memory: true } as ConnectOptions);
        }
      });
      after(async () => {
        await instance?.close();
        await drop?.();
      });
      fn(ctx);
    });
  }
}
