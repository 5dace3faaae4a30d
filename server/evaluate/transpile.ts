// A query cell -> a script for node:vm. TypeScript's own parser (pure JavaScript, so the server
// stays free of native binaries; loaded on the first evaluation) finds the last statement; if it
// is an expression its value is returned, boxed (a QuerySet is thenable and would otherwise be
// awaited into an array by the async wrapper). The body is wrapped in an async function, so top-level
// await works, and type annotations are stripped with transpileModule.
import type * as TS from "typescript";

let ts: typeof TS | undefined;
async function typescript(): Promise<typeof TS> {
  if (!ts) {
    const m = (await import("typescript")) as typeof TS & { default?: typeof TS };
    ts = m.default ?? m;
  }
  return ts;
}

/** The script evaluates to a Promise of `{ value }` (or undefined when the cell ends in a statement). */
export async function toScript(code: string, language: "javascript" | "typescript"): Promise<string> {
  const t = await typescript();
  const kind = language === "typescript" ? t.ScriptKind.TS : t.ScriptKind.JS;
  const sf = t.createSourceFile(
    `cell.${language === "typescript" ? "ts" : "js"}`,
    code,
    t.ScriptTarget.ES2022,
    true,
    kind,
  );
  const last = sf.statements.at(-1);
  let body = code;
  if (last && t.isExpressionStatement(last)) {
    const start = last.getStart(sf);
    const expr = last.expression.getText(sf);
    body = `${code.slice(0, start)}return { value: (${expr}) };${code.slice(last.end)}`;
  }
  const wrapped = `(async () => {\n${body}\n})()`;
  const out = t.transpileModule(wrapped, {
    compilerOptions: { target: t.ScriptTarget.ES2022, module: t.ModuleKind.None, removeComments: false },
    reportDiagnostics: false,
  });
  return out.outputText;
}
