// Hover on a registry value (`get(name="CD8")`) or a uid (`get("3kJx0aB")`): the record's
// describe() summary in Markdown. Anywhere else: nothing, without touching the database.
import { MarkupKind, type Hover, type Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { analyze } from "./analysis";
import { registry } from "./data/registries";
import type { RegistryValues } from "./data/registry-values";
import { describe } from "./data/query-api";
import { describeMarkdown } from "./describe-markdown";
import { valueTarget } from "./completion/items";
import type { Documents } from "./documents";

export async function hoverAt(
  docs: Documents,
  doc: TextDocument,
  position: Position,
  values: RegistryValues,
): Promise<Hover | null> {
  const a = await analyze(docs, doc, position);
  if (!a || (a.context.kind !== "values" && a.context.kind !== "uids")) return null;
  const ctx = a.context;
  if (!ctx.value) return null;
  let record;
  let regName: string;
  if (ctx.kind === "uids") {
    regName = ctx.registry;
    const reg = registry(regName);
    if (!reg) return null;
    record = await values.record(reg, { uid: ctx.value });
  } else {
    const target = valueTarget(ctx.registry, ctx.keyword);
    if (!target || target.field === "status") return null;
    regName = target.registry;
    const reg = registry(regName);
    if (!reg) return null;
    record = await values.record(reg, { field: target.field, value: ctx.value });
  }
  if (!record) return null;
  const d = await describe(record);
  const start = doc.positionAt(ctx.span.start);
  const end = doc.positionAt(ctx.span.start + ctx.value.length);
  return { contents: { kind: MarkupKind.Markdown, value: describeMarkdown(d) }, range: { start, end } };
}
