// LaminDB's own run of a notebook that calls ln.track(): finding it (the line track() prints, else the
// database), and writing the extension's record on it. LaminDB owns that row: the extension writes only
// the `lamin_vscode` key of `_aux` (jsonb_set, never a full-row save), the link to the run before it,
// and "aborted" when a kernel session ends while LaminDB's run is still started or re-started.
import type { Instance } from "../../db/index";
import { sql } from "../../db/query/sql";
import type { LaminTrackCall } from "../python/lamin-track";
import { auxToStore, type TrackingAux } from "./run-state";

/** What ln.track() prints: `→ created Transform('…', key='…'), started new Run('<uid>') at …` or `re-started Run('<uid>')`. */
const TRACK_LINE = /(?:started new|re-started) Run\('([A-Za-z0-9]{12,20})'\)/;

/** The most a cell event's `trackOutput` may hold. */
export const MAX_TRACK_OUTPUT = 4096;

/**
 * The database's clock (a new run's started_at) and the extension's (the cell's timing) may differ a
 * little even on one machine: a run started this close outside the cell still counts as the cell's.
 */
const CLOCK_SLACK_MS = 1000;

const STARTED = -1;
const RESTARTED = -2;
const ABORTED = 2;

export function runUidFromOutput(text: string | undefined): string | undefined {
  return text === undefined ? undefined : TRACK_LINE.exec(text)?.[1];
}

/** The run a track() output line names (the whole uid, or a prefix of exactly one run's). */
export async function runByUid(instance: Instance, uid: string): Promise<number | undefined> {
  const rows = await instance.rows(
    sql`SELECT id FROM lamindb_run WHERE uid = ${uid} OR (length(uid) > ${uid.length} AND left(uid, ${uid.length}) = ${uid}) LIMIT 2`,
  );
  return rows.length === 1 ? Number(rows[0].id) : undefined;
}

/**
 * The run LaminDB started during a cell, when its output line was not seen: a started or re-started
 * run of a notebook transform that the track() call names (its uid, or its key), else whose key is the
 * notebook's file name or ends with "/<file name>" (LaminDB's keys: dev_dir-relative or bare).
 */
export async function runStartedDuring(
  instance: Instance,
  call: LaminTrackCall,
  fileName: string,
  from: number,
  to: number,
): Promise<number | undefined> {
  const transform =
    call.uid !== undefined
      ? call.uid.length === 16
        ? sql`t.uid = ${call.uid}`
        : sql`left(t.uid, 12) = ${call.uid}`
      : call.key !== undefined
        ? sql`t.key = ${call.key}`
        : sql`(t.key = ${fileName} OR right(t.key, ${fileName.length + 1}) = ${"/" + fileName})`;
  const rows = await instance.rows(sql`
    SELECT r.id FROM lamindb_run r JOIN lamindb_transform t ON t.id = r.transform_id
    WHERE t.kind = 'notebook' AND ${transform}
      AND r._status_code IN (${STARTED}, ${RESTARTED})
      AND r.started_at BETWEEN ${new Date(from - CLOCK_SLACK_MS)} AND ${new Date(to + CLOCK_SLACK_MS)}
    ORDER BY r.started_at DESC, r.id DESC LIMIT 1`);
  return rows.length ? Number(rows[0].id) : undefined;
}

/** The run's `_aux.lamin_vscode` as stored, if the extension wrote one. */
export async function storedAux(instance: Instance, runId: number): Promise<TrackingAux | undefined> {
  const rows = await instance.rows(
    sql`SELECT _aux->'lamin_vscode' AS aux FROM lamindb_run WHERE id = ${runId}`,
  );
  const aux = rows[0]?.aux;
  return aux && typeof aux === "object" && Array.isArray((aux as TrackingAux).cells)
    ? (aux as TrackingAux)
    : undefined;
}

/**
 * Writes `_aux.lamin_vscode` and nothing else of the row (plus the link to the run before it, which
 * finish() reverts like the rest, while the run names none).
 */
export async function writeAux(instance: Instance, runId: number, aux: TrackingAux): Promise<void> {
  const link = aux.initiatedBy ?? null;
  await instance.rows(sql`
    UPDATE lamindb_run
    SET _aux = jsonb_set(COALESCE(_aux, '{}'::jsonb), '{lamin_vscode}', ${JSON.stringify(auxToStore(aux))}::jsonb, true),
        initiated_by_run_id = COALESCE(initiated_by_run_id, ${link}::bigint)
    WHERE id = ${runId}`);
}

/** "aborted" at `at`, only while LaminDB's run is still started or re-started. */
export async function abortIfStarted(instance: Instance, runId: number, at: number): Promise<boolean> {
  const rows = await instance.rows(sql`
    UPDATE lamindb_run SET _status_code = ${ABORTED}, finished_at = ${new Date(at)}
    WHERE id = ${runId} AND _status_code IN (${STARTED}, ${RESTARTED}) RETURNING id`);
  return rows.length > 0;
}
