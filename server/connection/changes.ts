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
  /**
   * Settles when the feed's first attempt ends: true once it sees every later commit (LISTEN is active,
   * or the counters' first sums are read), false if that attempt failed or the feed was closed. A
   * caller announces its connection after this, so a write made once it is announced is never missed.
   */
  readonly ready: Promise<boolean>;
  /** Whether it sees commits now (a LISTEN connection that dropped does not, until it listens again). */
  readonly live: boolean;
  close(): void;
}

/**
 * What the feeds share: `ready` settles on the first attempt; every later start of seeing commits
 * reports `*` (whatever changed while not seeing them is unknown), the first one that settles `ready`
 * does not (the caller's connection announcement covers it).
 */
class FeedState {
  live = false;
  private settle?: (live: boolean) => void;
  readonly ready = new Promise<boolean>((resolve) => (this.settle = resolve));

  constructor(private readonly onChange: (c: Change) => void) {}

  started(): void {
    this.live = true;
    if (this.settle) this.settled(true);
    else this.onChange({ table: "*" });
  }

  stopped(): void {
    this.live = false;
    if (this.settle) this.settled(false);
  }

  private settled(live: boolean): void {
    this.settle?.(live);
    this.settle = undefined;
  }
}

/** The LISTEN connection's attempt ends within this: an unreachable directUrl must not hold the window. */
const LISTEN_TIMEOUT_MS = 10_000;

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
  const state = new FeedState(onChange);
  const start = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: LISTEN_TIMEOUT_MS,
      query_timeout: LISTEN_TIMEOUT_MS,
      ...(applicationName ? { application_name: applicationName } : {}),
    });
    client = c;
    const retry = (e?: unknown) => {
      if (client !== c) return; // an error and an end of one connection: one retry
      state.stopped();
      if (e) log("warn", `LISTEN connection lost: ${errorMessage(e)}`);
      c.removeAllListeners();
      c.on("error", () => {});
      c.end().catch(() => {});
      client = undefined;
      if (!closed) timer = setTimeout(() => void start(), 1000);
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
      if (client === c) state.started();
    } catch (e) {
      retry(e);
    }
  };
  void start();
  return {
    ready: state.ready,
    get live() {
      return state.live;
    },
    close: () => {
      closed = true;
      state.stopped();
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

const POLL = {
  text: "SELECT tbl, sum(n)::bigint AS version FROM lamin_vscode_change GROUP BY tbl",
  values: [],
};

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
  const state = new FeedState(onChange);
  let first = true;
  let busy = false;
  let closed = false;
  let sentAt = 0;
  const tick = async () => {
    if (busy || closed || instance.isClosed) return;
    // the first sums are read whatever the focus: until then a commit would go unseen
    if (!first && options.active && !options.active()) return;
    busy = true;
    sentAt = Date.now();
    options.onPoll?.();
    try {
      // straight on a pooled connection, as the hot paths' statements: without Knex's runner
      const rows = await instance.statements.query(POLL, { prepare: true });
      for (const row of rows as Array<{ tbl: string; version: number | string }>) {
        const v = Number(row.version);
        if (!first && seen.get(row.tbl) !== v) onChange({ table: row.tbl });
        seen.set(row.tbl, v);
      }
      if (first && !closed) state.started();
      first = false;
    } catch {
      // the connection's own monitor reports outages; the sums are cumulative, so the next poll that
      // reads them still sees what this one missed, unless there were no sums to compare with yet
      if (first) state.stopped();
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.everyMs);
  timer.unref();
  return {
    ready: state.ready,
    get live() {
      return state.live;
    },
    // refocusing often must not poll more often: within everyMs of the last poll the interval's comes soon
    now: () => {
      if (Date.now() - sentAt >= options.everyMs) void tick();
    },
    close: () => {
      closed = true;
      state.stopped();
      clearInterval(timer);
    },
  };
}
