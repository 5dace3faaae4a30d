// Turns a completion context into LSP completion items.
import { CompletionItemKind, MarkupKind, type CompletionItem, type Range } from "vscode-languageserver";
import { RUN_STATUSES } from "../../db/index";
import {
  LN_REGISTRIES,
  REGISTRY_DOCS,
  labelField,
  lookupsFor,
  publicFields,
  registry,
  relations,
  resolvePath,
} from "../data/registries";
import type { RegistryValues, ValueItem } from "../data/registry-values";
import type { CompletionContext } from "./context";

export interface ItemList {
  items: CompletionItem[];
  isIncomplete: boolean;
}

const pad = (n: number) => String(n).padStart(4, "0");

export async function itemsFor(
  ctx: CompletionContext,
  range: Range,
  values: RegistryValues,
): Promise<ItemList> {
  switch (ctx.kind) {
    case "registries":
      return {
        isIncomplete: false,
        items: LN_REGISTRIES.map((name, i) => ({
          label: name,
          kind: CompletionItemKind.Class,
          detail: `lamindb.${name}`,
          documentation: REGISTRY_DOCS[name],
          sortText: pad(i),
          textEdit: { range, newText: name },
        })),
      };
    case "fields":
      return { isIncomplete: false, items: fieldItems(ctx.registry, ctx.prefix, range, ctx.quote) };
    case "values": {
      const target = valueTarget(ctx.registry, ctx.keyword);
      if (!target) return { isIncomplete: false, items: [] };
      if (target.registry === "Run" && target.field === "status") {
        return {
          isIncomplete: false,
          items: RUN_STATUSES.map((s, i) => ({
            label: s,
            kind: CompletionItemKind.EnumMember,
            sortText: pad(i),
            textEdit: { range, newText: s },
          })),
        };
      }
      const found = await values.complete(target.registry, target.field, ctx.prefix);
      return { isIncomplete: true, items: found.map((v, i) => valueItem(v, i, range, target.registry)) };
    }
    case "uids": {
      const found = await values.uids(ctx.registry, ctx.prefix);
      return {
        isIncomplete: true,
        items: found.map((v, i) => ({
          label: v.uid,
          kind: CompletionItemKind.Reference,
          detail: v.value,
          documentation: v.description ?? undefined,
          sortText: pad(i),
          textEdit: { range, newText: v.uid },
        })),
      };
    }
    case "lookupKeys": {
      const found = await values.lookupKeys(ctx.registry, ctx.prefix);
      return {
        isIncomplete: true,
        items: found.map((v, i) => ({
          label: v.key,
          kind: CompletionItemKind.Field,
          detail: `${v.value} (${v.uid})`,
          documentation: v.description ?? undefined,
          sortText: pad(i),
          textEdit: { range, newText: v.key },
        })),
      };
    }
  }
}

/** The registry and field a keyword argument's value is compared with (`transform__key` -> Transform.key). */
export function valueTarget(
  registryName: string,
  keyword: string,
): { registry: string; field: string } | undefined {
  if (keyword === "") {
    const reg = registry(registryName);
    const f = reg && labelField(reg.spec);
    return f ? { registry: registryName, field: f } : undefined;
  }
  return resolvePath(registryName, keyword.split("__"));
}

function valueItem(v: ValueItem, i: number, range: Range, registryName: string): CompletionItem {
  return {
    label: v.value,
    kind: CompletionItemKind.Value,
    detail: `${registryName} ${v.uid}${v.description ? ` · ${v.description}` : ""}`,
    documentation: v.description ? { kind: MarkupKind.PlainText, value: v.description } : undefined,
    sortText: pad(i),
    textEdit: { range, newText: v.value }, // no filterText: the label is the value, clients filter on it
  };
}

/** Field names, lookups (`name__startswith`) and relations (`transform__key`). */
function fieldItems(registryName: string, prefix: string, range: Range, quote?: string): CompletionItem[] {
  const parts = prefix.split("__");
  const base = parts.slice(0, -1);
  let current = registry(registryName);
  for (const p of base) {
    const rel = current && relations(current.spec).find((r) => r.name === p);
    if (!rel) {
      // `name__`: the lookups of a field
      const field = current && publicFields(current.spec).find((f) => f.name === p);
      if (!field) return [];
      return lookupsFor(field.type).map((l, i) =>
        item(`${base.join("__")}__${l}`, CompletionItemKind.Operator, `lookup on ${p}`, i, range, quote),
      );
    }
    current = registry(rel.target);
  }
  if (!current) return [];
  const head = base.length ? `${base.join("__")}__` : "";
  const out: CompletionItem[] = [];
  let i = 0;
  for (const f of publicFields(current.spec)) {
    out.push(
      item(
        `${head}${f.name}`,
        CompletionItemKind.Field,
        `${current.spec.name}.${f.name}: ${f.type}`,
        i++,
        range,
        quote,
      ),
    );
    if (base.length === 0 && (f.type === "char" || f.type === "text" || f.type === "status")) {
      for (const l of ["startswith", "istartswith", "icontains", "in"]) {
        out.push(
          item(
            `${f.name}__${l}`,
            CompletionItemKind.Operator,
            `lookup on ${f.name}`,
            500 + i++,
            range,
            quote,
          ),
        );
      }
    }
  }
  for (const r of relations(current.spec)) {
    const target = registry(r.target);
    const lf = target && labelField(target.spec);
    out.push(
      item(
        `${head}${r.name}`,
        CompletionItemKind.Reference,
        `${r.toMany ? "to-many" : "to-one"} ${r.target}`,
        200 + i++,
        range,
        quote,
      ),
    );
    if (lf)
      out.push(
        item(
          `${head}${r.name}__${lf}`,
          CompletionItemKind.Reference,
          `${r.target}.${lf}`,
          200 + i++,
          range,
          quote,
        ),
      );
  }
  return out;
}

function item(
  label: string,
  kind: CompletionItemKind,
  detail: string,
  order: number,
  range: Range,
  quote?: string,
): CompletionItem {
  const text = quote ? `${quote}${label}${quote}` : label;
  return { label, kind, detail, sortText: pad(order), textEdit: { range, newText: text } };
}
