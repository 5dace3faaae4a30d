// Executes a query cell's registry call for its process, with the server's own db/ code. Every part
// of a call is checked before anything runs: the registry exists, each method is on the allow-list
// for what it is applied to (a registry class, a QuerySet, a record), relation names are the
// registry's own, and arguments are plain JSON (records and Q trees as tagged references).
import {
  InvalidArgument,
  QObject,
  QuerySet,
  SQLRecord,
  DoesNotExist,
  type AnyRegistry,
} from "../../../db/index";
import type { QNode } from "../../../db/query/q";
import { isToMany, relationsOf } from "../../../db/schema/catalog";
import type { JsonValue } from "../../../db/shapes";
import { registry as registryNamed, REGISTRIES } from "../../data/registries";
import {
  LOOKUP_TAG,
  Q_TAG,
  RECORD_TAG,
  type CellCall,
  type RecordRef,
  type RegistryShape,
  type Root,
  type Step,
} from "./messages";

/** Static methods of a registry class a cell may call. */
const STATIC = new Set(["filter", "exclude", "all", "get", "search", "lookup", "toDataFrame"]);
/** QuerySet methods a cell may call (chained or ending the chain). */
const QUERYSET = new Set([
  "filter",
  "exclude",
  "orderBy",
  "limit",
  "offset",
  "distinct",
  "search",
  "toArray",
  "first",
  "one",
  "oneOrNone",
  "count",
  "exists",
  "delete",
  "toDataFrame",
  "lookup",
]);
/** Methods that return a QuerySet: only these may be followed by more steps. */
const CHAIN = new Set(["filter", "exclude", "all", "orderBy", "limit", "offset", "distinct", "search"]);
/** A saved record's methods ("save" takes the changed fields; "related" a to-one relation's name). */
const RECORD = new Set(["describe", "delete", "restore", "refreshFromDb", "save", "related"]);
const MAX_STEPS = 64;
const MAX_ARGS = 8;

export function registryShapes(): RegistryShape[] {
  return Object.values(REGISTRIES).map((r) => {
    const rels = [...relationsOf(r.spec).values()];
    return {
      name: r.spec.name,
      toOne: rels.filter((x) => !isToMany(x)).map((x) => x.name),
      toMany: rels.filter((x) => isToMany(x)).map((x) => x.name),
    };
  });
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** AnyRegistry with connect(), which every SQLRecord subclass inherits. */
type Registry = AnyRegistry & { connect(instance: string): QuerySet<SQLRecord> };

function registryOf(name: unknown): Registry {
  const r = typeof name === "string" ? registryNamed(name) : undefined;
  if (!r) throw new InvalidArgument(`Unknown registry '${String(name)}'`);
  return r as Registry;
}

function instanceName(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw new InvalidArgument("connect() takes an instance name");
  return v;
}

function args(v: unknown): JsonValue[] {
  if (!Array.isArray(v) || v.length > MAX_ARGS)
    throw new InvalidArgument("A call's arguments are a short list");
  return v as JsonValue[];
}

function refOf(v: unknown): RecordRef {
  if (!isObject(v) || !Number.isSafeInteger(v.id))
    throw new InvalidArgument("A record reference needs its id");
  const instance = instanceName(v.instance);
  return {
    registry: registryOf(v.registry).spec.name,
    id: v.id as number,
    ...(instance ? { instance } : {}),
  };
}

/** Reads a referenced record again, from the instance it came from. */
async function load(ref: RecordRef): Promise<SQLRecord> {
  const reg = registryOf(ref.registry);
  const qs = (ref.instance ? reg.connect(ref.instance) : reg.all()) as QuerySet<SQLRecord>;
  const found = await qs.filter({ id: ref.id }).first();
  if (!found) throw new DoesNotExist(`No ${ref.registry} with id ${ref.id}`);
  return found;
}

async function qNode(v: unknown, depth = 0): Promise<QNode> {
  if (depth > 32 || !isObject(v)) throw new InvalidArgument("Not a Q expression");
  if ((v.kind === "leaf" || v.kind === "feature") && typeof v.key === "string")
    return { kind: v.kind, key: v.key, value: await decode(v.value, depth + 1) };
  if ((v.kind === "and" || v.kind === "or") && Array.isArray(v.children))
    return { kind: v.kind, children: await Promise.all(v.children.map((c) => qNode(c, depth + 1))) };
  if (v.kind === "not") return { kind: "not", child: await qNode(v.child, depth + 1) };
  throw new InvalidArgument("Not a Q expression");
}

/** Wire arguments -> values for db/: tagged records are read again, Q trees rebuilt. */
async function decode(v: unknown, depth = 0): Promise<unknown> {
  if (depth > 32) throw new InvalidArgument("Arguments nest too deeply");
  if (Array.isArray(v)) return Promise.all(v.map((x) => decode(x, depth + 1)));
  if (!isObject(v)) return v;
  if (RECORD_TAG in v) return load(refOf(v[RECORD_TAG]));
  if (Q_TAG in v) return new QObject(await qNode(v[Q_TAG]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await decode(x, depth + 1);
  return out;
}

/** Record values a cell reads besides columns: getters of the registry class (Run.status, ...). */
function getterValues(record: SQLRecord): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const spec = (record.constructor as unknown as AnyRegistry).spec;
  const relations = relationsOf(spec);
  for (
    let p = Object.getPrototypeOf(record) as object;
    p && p !== SQLRecord.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (!d.get || relations.has(name) || name in out || name.startsWith("_")) continue;
      try {
        const value: unknown = d.get.call(record);
        if (value === null || ["string", "number", "boolean"].includes(typeof value))
          out[name] = value as JsonValue;
      } catch {
        // a getter that needs more than the row (e.g. features) is not part of the record's value
      }
    }
  }
  return out;
}

/** db/ values -> wire values: records as tagged references with their fields, lookups as tagged maps. */
export function encode(v: unknown, instance: string | undefined, depth = 0): JsonValue {
  if (depth > 16) return null;
  if (v instanceof SQLRecord) {
    const spec = (v.constructor as unknown as AnyRegistry).spec;
    const fields: Record<string, unknown> = { ...getterValues(v), ...v.toJSON() };
    for (const [k, x] of Object.entries(v)) if (!(k in fields) && typeof x !== "object") fields[k] = x; // score
    return {
      [RECORD_TAG]: {
        registry: spec.name,
        id: Number(v.id),
        ...(instance ? { instance } : {}),
        fields: JSON.parse(JSON.stringify(fields)) as JsonValue,
      },
    };
  }
  if (Array.isArray(v)) return v.map((x) => encode(x, instance, depth + 1));
  if (v instanceof Date) return v.toISOString();
  if (
    isObject(v) &&
    typeof v.dict === "function" &&
    !Object.getOwnPropertyDescriptor(v, "dict")?.enumerable
  ) {
    const entries = (o: object) =>
      Object.fromEntries(Object.entries(o).map(([k, x]) => [k, encode(x, instance, depth + 1)]));
    return { [LOOKUP_TAG]: { keys: entries(v), dict: entries((v.dict as () => object)()) } };
  }
  if (isObject(v)) {
    const plain = JSON.parse(JSON.stringify(v)) as JsonValue; // DataFrame, Description: plain data
    return plain;
  }
  if (v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  return v as JsonValue;
}

function method(
  target: object,
  step: Step,
  allowed: Set<string>,
  what: string,
): (...a: unknown[]) => unknown {
  if (typeof step?.method !== "string" || !allowed.has(step.method))
    throw new InvalidArgument(`${what}.${String(step?.method)}() is not available in query cells`);
  const fn = (target as Record<string, unknown>)[step.method];
  if (typeof fn !== "function") throw new InvalidArgument(`${what}.${step.method}() is not available`);
  return (fn as (...a: unknown[]) => unknown).bind(target);
}

async function rootOf(root: Root): Promise<{ target: object; instance?: string; what: string }> {
  if (!isObject(root)) throw new InvalidArgument("A query needs its registry");
  if (root.kind === "registry") {
    const reg = registryOf(root.registry);
    const instance = instanceName(root.instance);
    return instance
      ? { target: reg.connect(instance), instance, what: "QuerySet" }
      : { target: reg, what: reg.spec.name };
  }
  if (root.kind === "relation") {
    const ref = refOf(root.ref);
    const rel = relationsOf(registryOf(ref.registry).spec).get(String(root.relation));
    if (!rel || !isToMany(rel))
      throw new InvalidArgument(`${ref.registry} has no to-many relation '${String(root.relation)}'`);
    const record = await load(ref);
    return {
      target: (record as unknown as Record<string, object>)[rel.name],
      instance: ref.instance,
      what: "QuerySet",
    };
  }
  throw new InvalidArgument("A query starts at a registry or a relation");
}

async function query(call: { root: Root; steps: Step[] }): Promise<JsonValue> {
  const start = await rootOf(call.root);
  if (!Array.isArray(call.steps) || call.steps.length > MAX_STEPS)
    throw new InvalidArgument("Too many chained calls");
  // validate the whole chain's shape before running any of it
  const steps = call.steps.map((s, i) => {
    const m = isObject(s) ? s.method : undefined;
    if (typeof m !== "string" || !(STATIC.has(m) || QUERYSET.has(m)))
      throw new InvalidArgument(`.${String(m)}() is not available in query cells`);
    if (i < call.steps.length - 1 && !CHAIN.has(m)) throw new InvalidArgument(`.${m}() ends a query`);
    return { method: m, args: args(isObject(s) ? s.args : undefined) };
  });
  let current: unknown = start.target;
  for (const step of steps) {
    const isQs = current instanceof QuerySet;
    if (!isQs && current !== start.target)
      throw new InvalidArgument(`.${String(step.method)}() follows a value, not a query`);
    const fn = method(current as object, step, isQs ? QUERYSET : STATIC, isQs ? "QuerySet" : start.what);
    current = fn(...((await decode(step.args)) as unknown[]));
    if (!(current instanceof QuerySet)) current = await current;
  }
  if (current instanceof QuerySet) current = await (current as QuerySet<SQLRecord>).toArray();
  else if (current === start.target) throw new InvalidArgument("A query needs a method");
  return encode(current, start.instance);
}

async function recordCall(call: { ref: RecordRef; method: string; args: JsonValue[] }): Promise<JsonValue> {
  const ref = refOf(call.ref);
  const a = args(call.args);
  if (!RECORD.has(call.method))
    throw new InvalidArgument(`${ref.registry}.${String(call.method)}() is not available in query cells`);
  const spec = registryOf(ref.registry).spec;
  if (call.method === "related") {
    const rel = relationsOf(spec).get(String(a[0]));
    if (!rel || isToMany(rel))
      throw new InvalidArgument(`${ref.registry} has no to-one relation '${String(a[0])}'`);
    const record = await load(ref);
    return encode(await (record as unknown as Record<string, Promise<unknown>>)[rel.name], ref.instance);
  }
  if (call.method === "save") {
    const changes = a[0];
    if (!isObject(changes)) throw new InvalidArgument("save() sends the changed fields");
    const decoded = (await decode(changes)) as Record<string, unknown>;
    const record = await load(ref);
    const columns = new Set([...spec.fields.map((f) => f.name), ...spec.foreignKeys.map((f) => f.column)]);
    for (const [k, v] of Object.entries(decoded)) {
      const fk = spec.foreignKeys.find((f) => f.name === k);
      if (fk) record.setRelated(k, v);
      else if (columns.has(k) && k !== "id") (record as unknown as Record<string, unknown>)[k] = v;
      else throw new InvalidArgument(`${ref.registry} has no field '${k}'`);
    }
    return encode(await record.save(), ref.instance);
  }
  const record = await load(ref);
  const fn = method(record, { method: call.method, args: a }, RECORD, ref.registry);
  const result = await fn(...((await decode(a)) as unknown[]));
  return encode(result === undefined ? null : result, ref.instance);
}

async function create(call: { registry: string; args: JsonValue[] }): Promise<JsonValue> {
  const reg = registryOf(call.registry) as unknown as new (...a: unknown[]) => SQLRecord;
  const decoded = (await decode(args(call.args))) as unknown[];
  return encode(await new reg(...decoded).save(), undefined);
}

/** Runs one call; the caller wraps it in Database.use() and turns errors into WireErrors. */
export function execute(call: CellCall): Promise<JsonValue> {
  if (!isObject(call)) return Promise.reject(new InvalidArgument("Not a call"));
  switch (call.op) {
    case "query":
      return query(call);
    case "record":
      return recordCall(call);
    case "create":
      return create(call);
    default:
      return Promise.reject(new InvalidArgument("Unknown call"));
  }
}
