// Hover on a registry value (`get(name="CD8")`), a uid (`get("3kJx0aB")`) or a lookup identifier
// (`labels.adgb_dt`): the record's describe() summary in Markdown. Anywhere else: nothing, without
// touching the database.
import { MarkupKind, type Hover, type Position } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { SQLRecord } from "../db/index";
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
  if (!a || (a.context.kind !== "values" && a.context.kind !== "uids"))
    return lookupHover(docs, doc, position, values);
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
  return describeHover(record, doc, ctx.span.start, ctx.span.start + ctx.value.length);
}

/** The record's describe() summary as a hover over the document's [start, end) offsets. */
async function describeHover(
  record: SQLRecord | null,
  doc: TextDocument,
  start: number,
  end: number,
): Promise<Hover | null> {
  if (!record) return null;
  const value = describeMarkdown(await describe(record));
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: doc.positionAt(start), end: doc.positionAt(end) },
  };
}

/** `labels.adgb_dt` with the cursor anywhere on `adgb_dt`: the record that lookup() key stands for. */
async function lookupHover(
  docs: Documents,
  doc: TextDocument,
  position: Position,
  values: RegistryValues,
): Promise<Hover | null> {
  const text = doc.getText();
  let end = doc.offsetAt(position);
  while (end < text.length && /\w/.test(text[end])) end++;
  const a = await analyze(docs, doc, doc.positionAt(end));
  if (!a || a.context.kind !== "lookupKeys" || !a.context.prefix) return null;
  const { registry: regName, prefix: key, span } = a.context;
  const reg = registry(regName);
  const match = (await values.lookupKeys(regName, key)).find((v) => v.key === key);
  const record = reg && match ? await values.record(reg, { uid: match.uid }) : null;
  return describeHover(record, doc, span.start, end);
}
