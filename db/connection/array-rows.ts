// Rows as arrays of the statement's columns, for reads of many rows (toDataFrame()), each driver by
// its fastest path that reads values exactly as its query() does (the same type parsers):
// - PostgreSQL (pg): one unnamed statement, pooler-safe, through the statement guard, each DataRow's
//   field array converted in place into the row (ArrayRowsQuery).
// - PGlite: its query() turns every DataRow into a message object and every row into an object or
//   array through generic code (30 s for 100,000 runs on a loaded machine, against the 3 s PostgreSQL
//   in WebAssembly takes to produce the rows); here the same extended-protocol statement is run with
//   execProtocolRawStream (what the embedded holder's sessions do, under the same runExclusive lock) and its DataRows
//   read straight from the bytes. Column values go through PGlite's parsers for their type OIDs, so
//   int8, date and jsonb read as through query(). Any error reply: the statement is run again through
//   query(), which raises the driver's own error (mapDbError expects it).
import { protocol, type PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Statement } from "./pooled-query";
import { pgTypes } from "./postgres";

type Parser = (text: string, oid: number) => unknown;

/** What PGlite offers that this needs (the connection knex-pglite hands out is the PGlite object). */
export type RawPglite = Pick<PGlite, "runExclusive" | "execProtocolRawStream" | "query"> & {
  parsers: Record<number | string, Parser>;
};

const TEXT_OIDS = new Set([25, 1043, 1042, 19]); // text, varchar, bpchar, name: the text itself
const BOOL_OID = 16;
const INT8_OID = 20;
const INT4_OID = 23;
const INT2_OID = 21;
const TIMESTAMPTZ_OID = 1184;

/**
 * A Bind message (PostgreSQL's frontend protocol) with text parameters and each result column's
 * format: PGlite's serializer asks for all results in text or all in binary, this per column.
 */
function bindMessage(
  statement: string,
  values: Array<string | null>,
  binary: readonly boolean[],
): Uint8Array {
  const params = values.map((v) => (v === null ? null : Buffer.from(v, "utf8")));
  const name = Buffer.from(`${statement}\0`, "utf8");
  const length =
    4 +
    1 +
    name.length +
    2 +
    2 +
    params.reduce((n, v) => n + 4 + (v?.length ?? 0), 0) +
    2 +
    2 * binary.length;
  const out = Buffer.alloc(1 + length);
  let at = out.writeUInt8(0x42 /* B */, 0);
  at = out.writeInt32BE(length, at);
  at = out.writeUInt8(0, at); // the unnamed portal
  at += name.copy(out, at);
  at = out.writeInt16BE(0, at); // every parameter in text
  at = out.writeInt16BE(params.length, at);
  for (const v of params) {
    at = out.writeInt32BE(v === null ? -1 : v.length, at);
    if (v) at += v.copy(out, at);
  }
  at = out.writeInt16BE(binary.length, at);
  for (const b of binary) at = out.writeInt16BE(b ? 1 : 0, at);
  return out;
}

const US_PER_DAY = 86_400_000_000;

/**
 * A binary timestamptz (microseconds since 2000-01-01 UTC) as to_char(t AT TIME ZONE 'UTC',
 * 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') writes it, which costs PostgreSQL in WebAssembly more than the
 * rest of a frame's statement (issue 14): milliseconds truncated, a BC year as its number (to_char's
 * YYYY), years past 9999 in full, infinity as null (to_char gives none). The text is written as bytes
 * and read as one flat string: a template of many parts would leave a rope per cell.
 */
function isoTimestamp(buf: Buffer): (start: number) => string | null {
  const out = Buffer.alloc(32);
  const put2 = (at: number, n: number): number => {
    out[at] = 48 + Math.floor(n / 10);
    out[at + 1] = 48 + (n % 10);
    return at + 2;
  };
  return (start) => {
    const hi = buf.readInt32BE(start);
    const lo = buf.readUInt32BE(start + 4);
    if ((hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0)) return null;
    let days: number;
    let us: number; // within the day
    if (hi >= -0x100000 && hi < 0x100000) {
      // |t| < 2^52: exact as a double
      const t = hi * 4294967296 + lo;
      days = Math.floor(t / US_PER_DAY);
      us = t - days * US_PER_DAY;
    } else {
      const t = (BigInt(hi) << 32n) + BigInt(lo);
      const perDay = BigInt(US_PER_DAY);
      let d = t / perDay;
      if (t % perDay < 0n) d -= 1n;
      days = Number(d);
      us = Number(t - d * perDay);
    }
    // the proleptic Gregorian date of a day count (H. Hinnant's civil_from_days), from 1970-01-01
    const z = days + 10957 + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    let y = year <= 0 ? 1 - year : year; // 1 BC is year 0
    const seconds = Math.floor(us / 1_000_000);
    const ms = Math.floor((us - seconds * 1_000_000) / 1000);
    const digits = y < 10_000 ? 4 : y < 100_000 ? 5 : 6;
    for (let k = digits - 1; k >= 0; k--, y = Math.floor(y / 10)) out[k] = 48 + (y % 10);
    let at = digits;
    out[at++] = 0x2d; // -
    at = put2(at, month);
    out[at++] = 0x2d;
    at = put2(at, day);
    out[at++] = 0x54; // T
    at = put2(at, Math.floor(seconds / 3600));
    out[at++] = 0x3a; // :
    at = put2(at, Math.floor(seconds / 60) % 60);
    out[at++] = 0x3a;
    at = put2(at, seconds % 60);
    out[at++] = 0x2e; // .
    out[at++] = 48 + Math.floor(ms / 100);
    at = put2(at, ms % 100);
    out[at++] = 0x5a; // Z
    return out.toString("latin1", 0, at);
  };
}

/** A parameter as PGlite's text serialisation sends it, or undefined when only query() knows how. */
function textParameter(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  return undefined;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function pgliteArrayRows(pglite: RawPglite, statement: Statement): Promise<unknown[][]> {
  return (await pgliteColumnsAndRows(pglite, statement)).rows;
}

/**
 * pgliteArrayRows() with the columns marked in `binaryColumns` (one entry per column) read in binary;
 * undefined on any error reply (no query() fallback: it would read those columns otherwise).
 */
export async function pgliteBinaryArrayRows(
  pglite: RawPglite,
  statement: Statement,
  binaryColumns: readonly boolean[],
): Promise<unknown[][] | undefined> {
  return (await pgliteColumnsAndRows(pglite, statement, { binaryColumns }))?.rows;
}

/**
 * The statement through PGlite's query(): its own serialisers for every parameter, and its own error
 * when the statement fails.
 */
export async function pgliteQueryColumnsAndRows(
  pglite: RawPglite,
  statement: Statement,
): Promise<ColumnsAndRows> {
  const r = await pglite.query<unknown[]>(statement.text, [...statement.values], { rowMode: "array" });
  return { columns: r.fields.map((f) => f.name), rows: r.rows };
}

/** A reply's column names (RowDescription) and rows as arrays. */
export interface ColumnsAndRows {
  columns: string[];
  rows: unknown[][];
}

/**
 * The statements each PGlite holds prepared (named), by text. A PGlite object is one session: a
 * statement parsed once there is reused by every later call with other values (search(): its
 * statement's parse and analysis cost more than a rare term's execution). PostgreSQL still plans
 * each execution for its values (a custom plan) unless a generic plan is as cheap, as for any
 * prepared statement.
 */
const prepared = new WeakMap<object, Set<string>>();

/**
 * pgliteArrayRows() with the column names; `name`: as that named statement, parsed once per PGlite.
 * Any error reply: the statement is run again through query() (unnamed), which raises the driver's
 * own error, and a named statement is parsed afresh next time (after a schema change PostgreSQL may
 * refuse a cached plan whose result type changed).
 */
export async function pgliteColumnsAndRows(
  pglite: RawPglite,
  statement: Statement,
  options?: { name?: string },
): Promise<ColumnsAndRows>;
export async function pgliteColumnsAndRows(
  pglite: RawPglite,
  statement: Statement,
  options: { binaryColumns: readonly boolean[] },
): Promise<ColumnsAndRows | undefined>;
export async function pgliteColumnsAndRows(
  pglite: RawPglite,
  statement: Statement,
  options: { name?: string; binaryColumns?: readonly boolean[] } = {},
): Promise<ColumnsAndRows | undefined> {
  const values = statement.values.map(textParameter);
  const viaQuery = () => pgliteQueryColumnsAndRows(pglite, statement);
  // a Date, an array or an object: PGlite's serialisers for the parameter's type decide
  if (values.some((v) => v === undefined)) return options.binaryColumns ? undefined : viaQuery();
  const s = protocol.serialize;
  const name = options.name ?? "";
  let held = prepared.get(pglite);
  if (name && !held) prepared.set(pglite, (held = new Set()));
  const parse = !name || !held!.has(name);
  const parts = [
    // closing a statement that does not exist is no error: a name left by a failed call goes first
    ...(parse && name ? [s.close({ type: "S", name })] : []),
    ...(parse ? [s.parse({ text: statement.text, name })] : []),
    options.binaryColumns
      ? bindMessage(name, values as Array<string | null>, options.binaryColumns)
      : s.bind({ statement: name, values: values as Array<string | null> }),
    s.describe({ type: "P" }),
    s.execute({}),
    s.sync(),
  ];
  const message = concat(
    parts,
    parts.reduce((n, p) => n + p.length, 0),
  );
  const chunks: Uint8Array[] = [];
  let length = 0;
  await pglite.runExclusive(() =>
    pglite.execProtocolRawStream(message, {
      syncToFs: false,
      onRawData: (data) => {
        chunks.push(data.slice()); // a view of the WebAssembly heap, reused for the next output
        length += data.length;
      },
    }),
  );
  const reply = concat(chunks, length);
  const result = readDataRows(Buffer.from(reply.buffer, reply.byteOffset, length), pglite.parsers);
  if (result === undefined) {
    if (name) held!.delete(name);
    return options.binaryColumns ? undefined : viaQuery();
  }
  if (name) held!.add(name);
  return result;
}

/** The columns and DataRows of a reply as parsed values; undefined when it holds an ErrorResponse. */
function readDataRows(buf: Buffer, parsers: Record<number | string, Parser>): ColumnsAndRows | undefined {
  const rows: unknown[][] = [];
  const columns: string[] = [];
  let readers: Array<(start: number, end: number) => unknown> = [];
  let at = 0;
  while (at + 5 <= buf.length) {
    const type = buf[at]!;
    const end = at + 1 + buf.readInt32BE(at + 1);
    if (type === 0x44 /* D: DataRow */) {
      const n = buf.readUInt16BE(at + 5);
      const row = new Array<unknown>(n);
      let p = at + 7;
      for (let i = 0; i < n; i++) {
        const len = buf.readInt32BE(p);
        p += 4;
        if (len < 0) row[i] = null;
        else {
          row[i] = readers[i]!(p, p + len);
          p += len;
        }
      }
      rows.push(row);
    } else if (type === 0x54 /* T: RowDescription */) {
      const n = buf.readUInt16BE(at + 5);
      readers = [];
      columns.length = 0;
      let p = at + 7;
      for (let i = 0; i < n; i++) {
        const nameEnd = buf.indexOf(0, p);
        columns.push(buf.toString("utf8", p, nameEnd));
        p = nameEnd + 1;
        const oid = buf.readUInt32BE(p + 6);
        const binary = buf.readInt16BE(p + 16) === 1;
        p += 18;
        if (binary && oid !== TIMESTAMPTZ_OID) throw new Error(`internal: no binary reader for type ${oid}`);
        readers.push(binary ? isoTimestamp(buf) : reader(buf, oid, parsers));
      }
    } else if (type === 0x45 /* E: ErrorResponse */) return undefined;
    at = end;
  }
  return { columns, rows };
}

function reader(
  buf: Buffer,
  oid: number,
  parsers: Record<number | string, Parser>,
): (start: number, end: number) => unknown {
  const text = (start: number, end: number) => buf.toString("utf8", start, end);
  if (TEXT_OIDS.has(oid)) return text;
  if (oid === BOOL_OID) return (start) => buf[start] === 0x74; // "t"
  const parse = parsers[oid];
  if (oid === INT8_OID || oid === INT4_OID || oid === INT2_OID) {
    // up to 15 digits, a safe integer read from the bytes; longer ones through the driver's parser
    return (start, end) => {
      if (end - start > 15) return parse ? parse(text(start, end), oid) : text(start, end);
      let i = start;
      const negative = buf[i] === 0x2d;
      if (negative) i++;
      let n = 0;
      for (; i < end; i++) n = n * 10 + (buf[i]! - 48);
      return negative ? -n : n;
    };
  }
  return parse ? (start, end) => parse(text(start, end), oid) : text;
}

type TextParser = (text: string) => unknown;

/** The parts of node-postgres' Query (pg/lib/query.js, a Submittable; not in its typings) used here. */
interface QueryInternals {
  handleRowDescription(message: { fields: Array<{ dataTypeID: number }> }): void;
  /** A row that failed to parse: the query fails with it once the server is ready (as query()'s does). */
  _canceledDueToError: unknown;
}
type QueryClass = new (config: { text: string; values: unknown[]; types: typeof pgTypes }) => QueryInternals;

/**
 * A node-postgres query whose rows are the DataRows' own field arrays (the text of each value, as
 * the protocol parser made it), converted in place by the connection's type parsers: query()'s
 * rowMode "array" copies each into a second array through generic code, and for 100,000 rows of a
 * frame that copy and its garbage were about a tenth of the read (8-12% in an A/B, issue 14). The
 * values are query()'s.
 */
class ArrayRowsQuery extends (pg.Query as unknown as QueryClass) {
  // not `rows`: Query reads that as the rows per portal execution (and then sends no Sync of its own)
  readonly arrays: unknown[][] = [];
  private textParsers: Array<TextParser | undefined> = [];

  constructor(statement: Statement) {
    super({ text: statement.text, values: [...statement.values], types: pgTypes });
  }

  override handleRowDescription(message: { fields: Array<{ dataTypeID: number }> }): void {
    super.handleRowDescription(message);
    // text needs no parser: its value is the text itself
    this.textParsers = message.fields.map((f) =>
      TEXT_OIDS.has(f.dataTypeID) ? undefined : (pgTypes.getTypeParser(f.dataTypeID, "text") as TextParser),
    );
  }

  handleDataRow(message: { fields: unknown[] }): void {
    if (this._canceledDueToError) return;
    const row = message.fields;
    const parsers = this.textParsers;
    try {
      for (let i = 0; i < row.length; i++) {
        const parse = parsers[i];
        const v = row[i];
        if (parse && v !== null) row[i] = parse(v as string);
      }
    } catch (e) {
      this._canceledDueToError = e;
      return;
    }
    this.arrays.push(row);
  }
}

interface PgSubmitClient {
  query(query: object, callback: (error: Error | null) => void): unknown;
}

/**
 * node-postgres: rows as arrays, parsed by the connection's type parsers, one unnamed statement, through
 * the connection's statement guard (which hands the query its callback, as for any other).
 */
export function pgArrayRows(client: PgSubmitClient, statement: Statement): Promise<unknown[][]> {
  const query = new ArrayRowsQuery(statement);
  return new Promise((resolve, reject) =>
    client.query(query, (error) => (error ? reject(error) : resolve(query.arrays))),
  );
}
