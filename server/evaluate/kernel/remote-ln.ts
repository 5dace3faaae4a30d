// `ln` inside a query-cell process: registry classes, QuerySets and records that hold no connection.
// Each database call becomes a CellCall to the language server (messages.ts); its answer comes back
// as plain values, records tagged so they become instances of the `ln.<Name>` class again.
import { Q, QObject } from "../../../db/query/q";
import { lookupKey } from "../../../db/query/lookup";
import type { JsonValue } from "../../../db/shapes";
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

export type Send = (call: CellCall) => Promise<JsonValue>;

interface RecordState {
  ref?: RecordRef;
  /** The constructor's arguments of a record not saved yet. */
  args?: unknown[];
  /** Field values as last read, to send only what the cell changed. */
  snapshot: Record<string, string>;
}
const states = new WeakMap<object, RecordState>();

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

export class RemoteLn {
  readonly classes = new Map<string, new (...args: unknown[]) => object>();

  constructor(
    shapes: RegistryShape[],
    private readonly send: Send,
  ) {
    for (const shape of shapes) this.classes.set(shape.name, registryClass(this, shape));
  }

  /** The `ln` object a cell sees. */
  namespace(): Readonly<Record<string, unknown>> {
    return Object.freeze({ ...Object.fromEntries(this.classes), Q, lookupKey });
  }

  isRecord(v: unknown): v is object {
    return typeof v === "object" && v !== null && states.has(v);
  }
  isSaved(v: object): boolean {
    return states.get(v)?.ref !== undefined;
  }

  async call(call: CellCall): Promise<unknown> {
    return this.decode(await this.send(call));
  }

  /** Values from the cell -> wire: records as references (saved ones only), Q objects as trees. */
  encode(v: unknown, depth = 0): JsonValue {
    if (depth > 32) throw new RangeError("Arguments nest too deeply");
    if (this.isRecord(v)) {
      const ref = states.get(v)?.ref;
      if (!ref)
        throw Object.assign(new Error(`Save the ${v.constructor.name} first`), { name: "InvalidArgument" });
      return { [RECORD_TAG]: { ...ref } };
    }
    if (v instanceof QObject) return { [Q_TAG]: this.encode(v.node, depth + 1) };
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map((x) => this.encode(x, depth + 1));
    if (typeof v === "object" && v !== null) {
      const out: Record<string, JsonValue> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = this.encode(x, depth + 1);
      return out;
    }
    if (typeof v === "function" || typeof v === "symbol") throw new TypeError(`A ${typeof v} cannot be sent`);
    if (typeof v === "bigint") return Number(v);
    return (v ?? null) as JsonValue;
  }

  /** Wire -> values for the cell. */
  decode(v: JsonValue): unknown {
    if (Array.isArray(v)) return v.map((x) => this.decode(x));
    if (typeof v !== "object" || v === null) return v;
    if (RECORD_TAG in v) {
      const r = v[RECORD_TAG] as {
        registry: string;
        id: number;
        instance?: string;
        fields: Record<string, JsonValue>;
      };
      const cls = this.classes.get(r.registry);
      if (!cls) return r.fields;
      const record = Object.create(cls.prototype as object) as object;
      this.fill(
        record,
        { registry: r.registry, id: r.id, ...(r.instance ? { instance: r.instance } : {}) },
        r.fields,
      );
      return record;
    }
    if (LOOKUP_TAG in v) {
      const l = v[LOOKUP_TAG] as { keys: Record<string, JsonValue>; dict: Record<string, JsonValue> };
      const out = Object.fromEntries(Object.entries(l.keys).map(([k, x]) => [k, this.decode(x)]));
      const dict = Object.fromEntries(Object.entries(l.dict).map(([k, x]) => [k, this.decode(x)]));
      Object.defineProperty(out, "dict", { value: () => dict, enumerable: false });
      return out;
    }
    return v; // DataFrame, Description, plain JSON
  }

  /** Makes `record` the saved record `ref` with `fields` (after a read or a save). */
  fill(record: object, ref: RecordRef, fields: Record<string, JsonValue>): void {
    for (const key of Object.keys(record)) delete (record as Record<string, unknown>)[key];
    Object.assign(record, fields);
    const snapshot: Record<string, string> = {};
    for (const [k, x] of Object.entries(fields)) snapshot[k] = JSON.stringify(x);
    states.set(record, { ref, snapshot });
  }
}

/** An `ln.<Name>` class: statics build queries, instances are records (saved or not). */
function registryClass(ln: RemoteLn, shape: RegistryShape): new (...args: unknown[]) => object {
  const root: Root = { kind: "registry", registry: shape.name };
  const query = (steps: Step[]) => new RemoteQuerySet(ln, root, steps);
  const step = (method: string, args: unknown[]): Step => ({ method, args: args.map((a) => ln.encode(a)) });
  const refOf = (record: object, what: string): RecordRef => {
    const ref = states.get(record)?.ref;
    if (!ref)
      throw Object.assign(new Error(`${shape.name}.${what}: save the record first`), {
        name: "InvalidArgument",
      });
    return ref;
  };
  const recordCall = (record: object, method: string, args: unknown[]) =>
    ln.call({ op: "record", ref: refOf(record, method), method, args: args.map((a) => ln.encode(a)) });

  const cls = class {
    constructor(...args: unknown[]) {
      states.set(this, { args, snapshot: {} });
      for (const a of args) if (isPlain(a)) Object.assign(this, a);
    }
    static filter(...args: unknown[]) {
      return query([step("filter", args)]);
    }
    static exclude(...args: unknown[]) {
      return query([step("exclude", args)]);
    }
    static all() {
      return query([step("all", [])]);
    }
    static search(...args: unknown[]) {
      return query([step("search", args)]);
    }
    static get(...args: unknown[]) {
      return ln.call({ op: "query", root, steps: [step("get", args)] });
    }
    static lookup(...args: unknown[]) {
      return ln.call({ op: "query", root, steps: [step("lookup", args)] });
    }
    static toDataFrame(...args: unknown[]) {
      return ln.call({ op: "query", root, steps: [step("toDataFrame", args)] });
    }
    static connect(instance: unknown) {
      if (typeof instance !== "string" || instance === "")
        throw Object.assign(new Error("connect() takes an instance name"), { name: "InvalidArgument" });
      return new RemoteQuerySet(ln, { ...root, instance }, []);
    }
    async save(): Promise<object> {
      const state = states.get(this)!;
      let saved: unknown;
      if (!state.ref) {
        saved = await ln.call({
          op: "create",
          registry: shape.name,
          args: (state.args ?? []).map((a) => ln.encode(a)),
        });
      } else {
        const changes: Record<string, JsonValue> = {};
        for (const [k, x] of Object.entries(this)) {
          const wire = ln.encode(x);
          if (JSON.stringify(wire) !== state.snapshot[k]) changes[k] = wire;
        }
        saved = await recordCall(this, "save", [changes]);
      }
      const s = states.get(saved as object)!;
      ln.fill(this, s.ref!, saved as Record<string, JsonValue>);
      return this;
    }
    delete(options?: unknown) {
      return recordCall(this, "delete", options === undefined ? [] : [options]).then(() => undefined);
    }
    restore() {
      return recordCall(this, "restore", []).then(() => undefined);
    }
    describe(options?: unknown) {
      return recordCall(this, "describe", options === undefined ? [] : [options]);
    }
    async refreshFromDb(options?: unknown) {
      const fresh = await recordCall(this, "refreshFromDb", options === undefined ? [] : [options]);
      const s = states.get(fresh as object)!;
      ln.fill(this, s.ref!, {
        ...(this as unknown as Record<string, JsonValue>),
        ...(fresh as Record<string, JsonValue>),
      });
      return this;
    }
    toJSON() {
      return { ...this };
    }
  };
  Object.defineProperty(cls, "name", { value: shape.name });
  for (const name of shape.toOne)
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      get(this: object) {
        return recordCall(this, "related", [name]);
      },
    });
  for (const name of shape.toMany)
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      get(this: object) {
        return new RemoteQuerySet(ln, { kind: "relation", ref: refOf(this, name), relation: name }, []);
      },
    });
  return cls;
}

/** A query as a chain of steps, sent when the cell awaits it or calls a method that ends it. */
export class RemoteQuerySet implements PromiseLike<unknown[]> {
  constructor(
    private readonly ln: RemoteLn,
    private readonly root: Root,
    private readonly steps: Step[],
  ) {}

  private with(method: string, args: unknown[]): RemoteQuerySet {
    return new RemoteQuerySet(this.ln, this.root, [
      ...this.steps,
      { method, args: args.map((a) => this.ln.encode(a)) },
    ]);
  }
  private end(method: string, args: unknown[]): Promise<unknown> {
    return this.ln.call({ op: "query", root: this.root, steps: this.with(method, args).steps });
  }

  filter(...args: unknown[]) {
    return this.with("filter", args);
  }
  exclude(...args: unknown[]) {
    return this.with("exclude", args);
  }
  orderBy(...args: unknown[]) {
    return this.with("orderBy", args);
  }
  limit(n: unknown) {
    return this.with("limit", [n]);
  }
  offset(n: unknown) {
    return this.with("offset", [n]);
  }
  distinct() {
    return this.with("distinct", []);
  }
  search(...args: unknown[]) {
    return this.with("search", args);
  }
  toArray() {
    return this.ln.call({ op: "query", root: this.root, steps: this.steps }) as Promise<unknown[]>;
  }
  first() {
    return this.end("first", []);
  }
  one() {
    return this.end("one", []);
  }
  oneOrNone() {
    return this.end("oneOrNone", []);
  }
  count() {
    return this.end("count", []);
  }
  exists() {
    return this.end("exists", []);
  }
  delete() {
    return this.end("delete", []);
  }
  toDataFrame(...args: unknown[]) {
    return this.end("toDataFrame", args);
  }
  lookup(...args: unknown[]) {
    return this.end("lookup", args);
  }
  then<A = unknown[], B = never>(
    onfulfilled?: ((value: unknown[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.toArray().then(onfulfilled, onrejected);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    yield* await this.toArray();
  }
}
