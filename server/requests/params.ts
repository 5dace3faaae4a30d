// The params of every lamin/* request, checked before its handler runs (so before anything is read or
// written): a value that is not an object, null, a wrong type or an unknown language is an
// InvalidArgument (-32602) naming the field. Absent optional fields stay absent (valibot adds no
// `undefined` keys). Each schema's output type is checked against protocol.ts at compile time.
import * as v from "valibot";
import { InvalidArgument, RUN_STATUSES } from "../../db/index";
import type { JsonObject, JsonValue } from "../../db/shapes";
import type { LaminMethod, Params } from "../protocol";

const int = v.pipe(v.number(), v.integer());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const text = v.string();
const nonEmpty = v.pipe(v.string(), v.minLength(1));
const isJsonObject = (x: unknown): x is JsonObject =>
  typeof x === "object" && x !== null && !Array.isArray(x);
/** How deep a JSON value in params (a run's params) may nest: deeper, storing it overflowed the stack. */
export const MAX_JSON_DEPTH = 64;
/** Whether `x` nests arrays and objects at most `max` deep (iteratively: any depth is safe to check). */
function nestsAtMost(x: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[x, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return true;
}
const jsonObject = v.custom<JsonObject>(
  (x) => isJsonObject(x) && nestsAtMost(x, MAX_JSON_DEPTH),
  `an object nested at most ${MAX_JSON_DEPTH} deep`,
);
const jsonRecord = v.custom<Record<string, JsonValue>>(isJsonObject, "an object");
const none = v.custom<Record<string, never>>(isJsonObject, "an object");
const stringOrStrings = v.union([text, v.array(text)]);

const notebook = v.object({
  uri: nonEmpty,
  key: nonEmpty,
  source: v.optional(text),
  sourceHash: v.optional(text),
  title: v.optional(text),
  paramsSource: v.optional(text),
  params: v.optional(jsonObject),
  kernel: v.optional(
    v.object({
      id: v.optional(text),
      name: v.optional(text),
      language: v.optional(text),
      version: v.optional(text),
    }),
  ),
});
const timing = {
  index: count,
  executionOrder: v.optional(v.number()),
  startTime: v.optional(v.number()),
  endTime: v.optional(v.number()),
};
const base = { eventId: nonEmpty, at: v.number(), sessionId: v.optional(text) };

const trackEvent = v.variant("type", [
  v.object({ ...base, type: v.literal("cellStarted"), notebook, cell: v.object(timing) }),
  v.object({
    ...base,
    type: v.literal("cellFinished"),
    notebook,
    cell: v.object({ ...timing, success: v.boolean(), trackOutput: v.optional(text) }),
  }),
  v.object({ ...base, type: v.literal("cellCancelled"), notebookUri: nonEmpty, cell: v.object(timing) }),
  v.object({ ...base, type: v.literal("executionIdle"), notebookUri: nonEmpty }),
  v.object({ ...base, type: v.literal("kernelRestarted"), notebookUri: nonEmpty }),
  v.object({ ...base, type: v.literal("notebookClosed"), notebookUri: nonEmpty }),
]);

const schemas = {
  "lamin/track": trackEvent,
  "lamin/recoverRuns": v.object({ sessionId: nonEmpty }),
  "lamin/status": none,
  "lamin/runs": v.object({
    offset: count,
    limit: count,
    status: v.optional(v.array(v.picklist(RUN_STATUSES))),
    transformId: v.optional(int),
    includeTrash: v.optional(v.boolean()),
  }),
  "lamin/run": v.union([v.object({ id: int }), v.object({ uid: nonEmpty })]),
  "lamin/activeRun": v.object({ notebookUri: text }),
  "lamin/transforms": v.object({ offset: count, limit: count, key: v.optional(text) }),
  "lamin/transformKeys": v.object({ offset: count, limit: count }),
  "lamin/registryCounts": none,
  "lamin/records": v.object({ registry: nonEmpty, offset: count, limit: count, search: v.optional(text) }),
  "lamin/search": v.object({
    registry: nonEmpty,
    query: text,
    field: v.optional(text),
    limit: v.optional(count),
  }),
  "lamin/describe": v.object({
    registry: nonEmpty,
    id: v.optional(int),
    uid: v.optional(text),
    include: v.optional(v.literal("comments")),
  }),
  "lamin/toDataFrame": v.object({
    registry: nonEmpty,
    filter: v.optional(jsonRecord),
    include: v.optional(stringOrStrings),
    features: v.optional(v.union([v.boolean(), v.array(text)])),
    limit: v.optional(v.nullable(count)),
    offset: v.optional(count),
    orderBy: v.optional(text),
    count: v.optional(v.picklist(["bounded", "exact"])),
  }),
  "lamin/loadMore": v.object({ token: nonEmpty, offset: count }),
  "lamin/evaluate": v.object({
    code: text,
    language: v.picklist(["javascript", "typescript"]),
    cellUri: v.optional(text),
    notebookUri: v.optional(text),
  }),
  "lamin/interruptCell": v.object({ notebookUri: nonEmpty }),
  "lamin/restartKernel": v.object({ notebookUri: nonEmpty }),
  "lamin/parseQuery": v.object({ text }),
  "lamin/ping": none,
  "lamin/laminCalls": v.object({ code: text }),
  "lamin/delete": v.object({ registry: nonEmpty, id: int, permanent: v.optional(v.boolean()) }),
  "lamin/loadDemoData": none,
  "lamin/restore": v.object({ registry: nonEmpty, id: int }),
} satisfies { [M in LaminMethod]: v.GenericSchema<unknown, Params<M>> };

// valibot drops the keys a schema does not name, so a protocol field missing here would vanish silently
// (an optional one even satisfies the check above): every field path of protocol.ts's params, through
// nested objects, unions and arrays, must be a path of the schema's output too.
type Paths<T, P extends string = "", D extends unknown[] = []> = D["length"] extends 6
  ? never
  : T extends readonly (infer E)[]
    ? Paths<E, P, [...D, 0]>
    : T extends object
      ? {
          [K in keyof T & string]-?: `${P}${K}` | Paths<NonNullable<T[K]>, `${P}${K}.`, [...D, 0]>;
        }[keyof T & string]
      : never;
type Unchecked = {
  [M in LaminMethod]: Exclude<Paths<Params<M>>, Paths<v.InferOutput<(typeof schemas)[M]>>> extends never
    ? never
    : `${M}: ${Exclude<Paths<Params<M>>, Paths<v.InferOutput<(typeof schemas)[M]>>>}`;
}[LaminMethod];
const everyFieldChecked: [Unchecked] extends [never] ? true : Unchecked = true;
void everyFieldChecked;

/** The request's params as protocol.ts types them, or an InvalidArgument naming what is wrong. */
export function parseParams<M extends LaminMethod>(method: M, params: unknown): Params<M> {
  const schema = schemas[method] as v.GenericSchema<unknown, Params<M>>;
  const result = v.safeParse(schema, params);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  // a custom check's message is what it expects ("an object"); valibot's own `expected` is "unknown"
  const expected = issue.type === "custom" ? issue.message : issue.expected;
  throw new InvalidArgument(
    `${method}: ${path ? `params.${path}` : "params"}: ${expected ? `expected ${expected}, ` : ""}received ${issue.received}`,
  );
}

const position = v.object({ line: count, character: count });
const visibleRanges = v.object({
  uri: nonEmpty,
  ranges: v.pipe(v.array(v.object({ start: position, end: position })), v.maxLength(100)),
});

/** lamin/visibleRanges (extension -> server), or undefined when malformed. */
export function parseVisibleRanges(params: unknown): v.InferOutput<typeof visibleRanges> | undefined {
  const result = v.safeParse(visibleRanges, params);
  return result.success ? result.output : undefined;
}
