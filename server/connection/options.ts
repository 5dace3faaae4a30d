// Validates the initializationOptions the extension sends: the only source of connection settings
// and credentials (never argv or the environment).
import type { ConnectionBudget, LaminInitializationOptions, QueryCellLimits } from "../protocol";

export class OptionsError extends Error {
  override name = "OptionsError";
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseOptions(raw: unknown): LaminInitializationOptions {
  if (!isObject(raw))
    throw new OptionsError(
      "initializationOptions are missing: the extension must send the database settings",
    );
  const db = raw.database;
  if (!isObject(db)) throw new OptionsError("initializationOptions.database is missing");
  let database: LaminInitializationOptions["database"];
  if (db.kind === "embedded" && typeof db.dir === "string" && db.dir.length > 0) {
    database = { kind: "embedded", dir: db.dir };
  } else if (db.kind === "postgres" && typeof db.url === "string") {
    database = { kind: "postgres", name: typeof db.name === "string" ? db.name : "postgres", url: db.url };
    for (const field of ["directUrl", "readUrl"] as const) {
      const v = db[field];
      if (v === undefined || v === "") continue;
      if (typeof v !== "string" || !/^postgres(ql)?:\/\//.test(v))
        throw new OptionsError(`initializationOptions.database.${field} is a postgresql:// URL`);
      database[field] = v;
    }
  } else {
    throw new OptionsError(
      'initializationOptions.database is { kind: "embedded", dir } or { kind: "postgres", name, url }',
    );
  }
  const user = isObject(raw.user) && typeof raw.user.handle === "string" ? raw.user : { handle: "anonymous" };
  const instances: Record<string, string> = {};
  if (isObject(raw.instances)) {
    for (const [k, v] of Object.entries(raw.instances)) if (typeof v === "string") instances[k] = v;
  }
  return {
    database,
    ...(raw.connections === undefined ? {} : { connections: parseBudget(raw.connections) }),
    user: { handle: String(user.handle), ...(typeof user.name === "string" ? { name: user.name } : {}) },
    instances,
    trusted: raw.trusted !== false,
    sessionId:
      typeof raw.sessionId === "string" && raw.sessionId
        ? raw.sessionId
        : `session-${process.pid}-${Date.now()}`,
    // checked by parseQueryCellLimits, which tells the user what it refused
    ...(raw.queryCells === undefined ? {} : { queryCells: raw.queryCells as QueryCellLimits }),
  };
}

/** Limits of the connection budget: enough for a window's parallel requests, few enough for a team. */
export const BUDGET_LIMITS = { max: [1, 20], idleSeconds: [1, 3600] } as const;

function parseBudget(raw: unknown): ConnectionBudget {
  const field = (name: keyof typeof BUDGET_LIMITS): number => {
    const v = isObject(raw) ? raw[name] : undefined;
    const [lo, hi] = BUDGET_LIMITS[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
      throw new OptionsError(`initializationOptions.connections.${name} is an integer from ${lo} to ${hi}`);
    return v;
  };
  return { max: field("max"), idleSeconds: field("idleSeconds") };
}
