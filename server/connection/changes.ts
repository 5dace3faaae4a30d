// Where change notifications come from: LISTEN on a PostgreSQL server reached directly (the 0003
// triggers call pg_notify), else (an embedded folder, or a server only reached through a pooler) a
// poll of the change counter the triggers keep (0005).
import pg from "pg";
import type { Instance } from "../../db/index";
import { errorMessage, log } from "../log";

export interface Change {
  table: string;
  op?: string;
  ids?: number[];
}

export interface ChangeFeed {
  close(): void;
}

const CHANNEL = "lamin_changes";

function parsePayload(payload: string | undefined): Change | undefined {
  try {
    const p = JSON.parse(payload ?? "") as { table?: unknown; op?: unknown; ids?: unknown };
    if (typeof p.table !== "string") return undefined;
    const ids = Array.isArray(p.ids) ? p.ids.map(Number).filter(Number.isFinite) : undefined;
    return { table: p.table, op: typeof p.op === "string" ? p.op : undefined, ids };
  } catch {
    return undefined;
  }
}

/** A dedicated client that LISTENs, reconnecting after a drop. */
export function listenPostgres(
  url: string,
  onChange: (c: Change) => void,
  applicationName?: string,
): ChangeFeed {
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const start = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      ...(applicationName ? { application_name: applicationName } : {}),
    });
    client = c;
    const retry = (e?: unknown) => {
      if (e) log("warn", `LISTEN connection lost: ${errorMessage(e)}`);
      c.removeAllListeners();
      c.on("error", () => {});
      c.end().catch(() => {});
      if (!closed && client === c) timer = setTimeout(() => void start(), 1000);
    };
    c.on("notification", (m) => {
      const change = parsePayload(m.payload);
      if (change) onChange(change);
    });
    c.on("error", retry);
    c.on("end", () => retry());
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      // Whatever changed while not listening is unknown: invalidate everything once.
      onChange({ table: "*" });
    } catch (e) {
      retry(e);
    }
  };
  void start();
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      c?.removeAllListeners();
      c?.on("error", () => {});
      c?.end().catch(() => {});
    },
  };
}

export interface PollOptions {
  /** Time between polls, ms. */
  everyMs: number;
  /** Whether to poll now (a pooled window polls only while focused); default: always. */
  active?: () => boolean;
  /** Called as each poll is sent, after the active() check (status counts them). */
  onPoll?: () => void;
}

export interface PollFeed extends ChangeFeed {
  /** Polls at once (the window was focused again): what changed meanwhile shows without waiting. */
  now(): void;
}

/**
 * Polls lamin_vscode_change (0005: the triggers append to it in the writing transaction, so a sum
 * moves exactly when that transaction commits) and reports the tables whose sum moved.
 */
export function pollCounters(
  instance: Instance,
  onChange: (c: Change) => void,
  options: PollOptions,
): PollFeed {
  const seen = new Map<string, number>();
  let first = true;
  let busy = false;
  let closed = false;
  let sentAt = 0;
  const tick = async () => {
    if (busy || closed || instance.isClosed || (options.active && !options.active())) return;
    busy = true;
    sentAt = Date.now();
    options.onPoll?.();
    try {
      const r = await instance.knex.raw(
        "SELECT tbl, sum(n)::bigint AS version FROM lamin_vscode_change GROUP BY tbl",
      );
      for (const row of r.rows as Array<{ tbl: string; version: number | string }>) {
        const v = Number(row.version);
        if (!first && seen.get(row.tbl) !== v) onChange({ table: row.tbl });
        seen.set(row.tbl, v);
      }
      first = false;
    } catch {
      // the connection's own monitor reports outages
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.everyMs);
  timer.unref();
  return {
    // refocusing often must not poll more often: within everyMs of the last poll the interval's comes soon
    now: () => {
      if (Date.now() - sentAt >= options.everyMs) void tick();
    },
    close: () => {
      closed = true;
      clearInterval(timer);
    },
  };
}
