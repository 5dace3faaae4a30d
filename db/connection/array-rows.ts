// Rows as arrays of the statement's columns, for reads of many rows (toDataFrame()), each driver by
// its fastest path that reads values exactly as its query() does (the same type parsers):
// - PostgreSQL (pg): rowMode "array" on one unnamed statement, pooler-safe, through the statement guard.
// - PGlite: its query() turns every DataRow into a message object and every row into an object or
//   array through generic code (30 s for 100,000 runs on a loaded machine, against the 3 s PostgreSQL
//   in WebAssembly takes to produce the rows); here the same extended-protocol statement is run with
//   execProtocolRawStream (what pglite-socket does, under the same runExclusive lock) and its DataRows
//   read straight from the bytes. Column values go through PGlite's parsers for their type OIDs, so
//   int8, date and jsonb read as through query(). Any error reply: the statement is run again through
//   query(), which raises the driver's own error (mapDbError expects it).
import { protocol, type PGlite } from "@electric-sql/pglite";
import type { Statement } from "./pooled-query";

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
  options: { name?: string } = {},
): Promise<ColumnsAndRows> {
  const values = statement.values.map(textParameter);
  const viaQuery = async (): Promise<ColumnsAndRows> => {
    const r = await pglite.query<unknown[]>(statement.text, [...statement.values], { rowMode: "array" });
    return { columns: r.fields.map((f) => f.name), rows: r.rows };
  };
  // a Date, an array or an object: PGlite's serialisers for the parameter's type decide
  if (values.some((v) => v === undefined)) return viaQuery();
  const s = protocol.serialize;
  const name = options.name ?? "";
  let held = prepared.get(pglite);
  if (name && !held) prepared.set(pglite, (held = new Set()));
  const parse = !name || !held!.has(name);
  const parts = [
    // closing a statement that does not exist is no error: a name left by a failed call goes first
    ...(parse && name ? [s.close({ type: "S", name })] : []),
    ...(parse ? [s.parse({ text: statement.text, name })] : []),
    s.bind({ statement: name, values: values as Array<string | null> }),
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
    return viaQuery();
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
        p += 18;
        readers.push(reader(buf, oid, parsers));
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

interface PgArrayClient {
  query(config: { text: string; values: unknown[]; rowMode: "array" }): Promise<{ rows: unknown[][] }>;
}

/** node-postgres: rows as arrays, parsed by the connection's type parsers, one unnamed statement. */
export async function pgArrayRows(client: PgArrayClient, statement: Statement): Promise<unknown[][]> {
  return (await client.query({ text: statement.text, values: [...statement.values], rowMode: "array" })).rows;
}
