// A query cell -> a script for node:vm. Types are stripped with sucrase (a small transpiler: the
// TypeScript compiler would be 9 MB of the .vsix for this alone); it keeps every line where it was,
// so positions in the result are the cell's lines. acorn then parses the JavaScript and finds the
// last statement; if it is an expression its value is returned, boxed (a QuerySet is thenable and
// would otherwise be awaited into an array by the async wrapper). The body is wrapped in an async
// function, so top-level await (and return) work. Both are loaded on the first evaluation.
import type * as Acorn from "acorn";
import type * as Sucrase from "sucrase";

export type CellLanguage = "javascript" | "typescript";

/** A cell that does not parse: `line` and `column` count from 1 in the cell's own text. */
export class CellSyntaxError extends SyntaxError {
  override readonly name = "SyntaxError";
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} (line ${line}, column ${column})`);
  }
}

let parsers: Promise<{ acorn: typeof Acorn; sucrase: typeof Sucrase }> | undefined;
function load(): Promise<{ acorn: typeof Acorn; sucrase: typeof Sucrase }> {
  parsers ??= Promise.all([import("acorn"), import("sucrase")]).then(([acorn, sucrase]) => ({
    acorn,
    sucrase,
  }));
  return parsers;
}

/** Both parsers put `loc` (line from 1) on their errors and end the message with "(line:column)". */
function syntaxError(e: unknown, columnFrom: 0 | 1): unknown {
  const loc = (e as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  if (!(e instanceof SyntaxError) || typeof loc?.line !== "number" || typeof loc.column !== "number")
    return e;
  const reason = e.message.replace(/\s*\(\d+:\d+\)$/, "");
  return new CellSyntaxError(reason, loc.line, loc.column + (1 - columnFrom));
}

/** The script evaluates to a Promise of `{ value }` (or undefined when the cell ends in a statement). */
export async function toScript(code: string, language: CellLanguage): Promise<string> {
  const { acorn, sucrase } = await load();
  let js = code;
  if (language === "typescript") {
    try {
      // ES syntax is left alone (Node runs it); only types, enums and the like are rewritten
      js = sucrase.transform(code, { transforms: ["typescript"], disableESTransforms: true }).code;
    } catch (e) {
      throw syntaxError(e, 1); // sucrase counts columns from 1
    }
  }
  let program: Acorn.Program;
  try {
    program = acorn.parse(js, {
      ecmaVersion: "latest",
      sourceType: "script",
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
    });
  } catch (e) {
    // after sucrase the line is the cell's; a column on a line that lost type annotations is approximate
    throw syntaxError(e, 0);
  }
  const last = program.body.at(-1);
  let body = js;
  if (last?.type === "ExpressionStatement") {
    const expr = js.slice(last.expression.start, last.expression.end);
    body = `${js.slice(0, last.start)}return { value: (${expr}) };${js.slice(last.end)}`;
  }
  return `(async () => {\n${body}\n})()`;
}
