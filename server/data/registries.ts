// The registries the server knows by name (as `ln.<Name>` in Python and in query cells), and what
// completion needs of their schema: fields, lookups and relations, read from each class's spec.
import { allRegistries, isLookup, TEXT_LOOKUPS, type AnyRegistry, type ModelSpec } from "../../db/index";

/** A registry class as the server knows it: by name, with its model and SQLRecord's static methods. */
export type RegistryClassLike = AnyRegistry;
export type ModelSpecLike = ModelSpec;

/** Every registry db/ defines, by model name: `ln.Run`, `ln.ULabel`, ... */
export const REGISTRIES: Readonly<Record<string, AnyRegistry>> = Object.fromEntries(
  allRegistries().map((r) => [r.spec.name, r]),
);

/** What `ln.` lists: LaminDB's public registries, in its documentation's order. */
export const LN_REGISTRIES = [
  "Artifact",
  "Collection",
  "Transform",
  "Run",
  "ULabel",
  "Record",
  "Feature",
  "Project",
  "User",
  "Storage",
  "Branch",
  "Space",
];

export const REGISTRY_DOCS: Record<string, string> = {
  Artifact: "Datasets & models stored as files, folders, or arrays.",
  Collection: "Collections of artifacts.",
  Transform: "Data transformations: notebooks, scripts, pipelines, functions.",
  Run: "Runs of transforms, such as one execution of a notebook.",
  ULabel: "Universal labels.",
  Record: "Flexible records, e.g. samples or experiments.",
  Feature: "Dimensions of measurement.",
  Project: "Projects.",
  User: "Users.",
  Storage: "Storage locations.",
  Branch: "Branches: main, archive, trash.",
  Space: "Spaces for access management.",
};

const TABLE_TO_REGISTRY = new Map(Object.values(REGISTRIES).map((r) => [r.spec.table, r.spec.name]));

export function registryOfTable(table: string): string | undefined {
  return TABLE_TO_REGISTRY.get(table);
}

export function registry(name: string): RegistryClassLike | undefined {
  return Object.hasOwn(REGISTRIES, name) ? REGISTRIES[name] : undefined;
}

/** The field lookup() and value completion use: LaminDB's _name_field. */
export function labelField(spec: ModelSpecLike): string | undefined {
  if (spec.nameField) return spec.nameField;
  return spec.fields.find((f) => f.name === "name")?.name;
}

export interface Relation {
  name: string;
  target: string;
  toMany: boolean;
}

/** Forward foreign keys, many-to-many fields, and the reverse side of other registries' ones. */
export function relations(spec: ModelSpecLike): Relation[] {
  const out: Relation[] = [];
  for (const fk of spec.foreignKeys) out.push({ name: fk.name, target: fk.target, toMany: false });
  for (const m of spec.manyToMany) out.push({ name: m.name, target: m.target, toMany: true });
  for (const other of Object.values(REGISTRIES)) {
    for (const fk of other.spec.foreignKeys) {
      if (
        fk.target === spec.name &&
        fk.relatedName &&
        !fk.relatedName.startsWith("_") &&
        !fk.relatedName.startsWith("+")
      ) {
        out.push({ name: fk.relatedName, target: other.spec.name, toMany: true });
      }
    }
    for (const m of other.spec.manyToMany) {
      if (m.target === spec.name && m.relatedName && !m.relatedName.startsWith("_")) {
        out.push({ name: m.relatedName, target: other.spec.name, toMany: true });
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.name) && seen.add(r.name));
}

/** Fields that can be filtered on: public columns (no "_" prefix), plus status on Run. */
export function publicFields(spec: ModelSpecLike): Array<{ name: string; type: string }> {
  const fields: Array<{ name: string; type: string }> = spec.fields.filter((f) => !f.name.startsWith("_"));
  if (spec.name === "Run") fields.push({ name: "status", type: "status" });
  return fields;
}

// The lookups suggested per field type come from the query layer's own lists, so completion never
// offers a lookup that filter() would reject (status takes only exact and in there).
const ORDER_LOOKUPS: readonly string[] = ["exact", "in", "gt", "gte", "lt", "lte", "range", "isnull"];

export function lookupsFor(type: string): string[] {
  if (type === "status") return ["exact", "in"];
  if (type === "char" || type === "text") return ["exact", ...TEXT_LOOKUPS, "in", "isnull"];
  return [...ORDER_LOOKUPS];
}

/** Resolves `transform__key` from Run: the registry and field the path ends on. */
export function resolvePath(start: string, path: string[]): { registry: string; field: string } | undefined {
  let current = registry(start);
  for (let i = 0; i < path.length; i++) {
    if (!current) return undefined;
    const part = path[i];
    const isLast = i === path.length - 1;
    const field =
      current.spec.fields.find((f) => f.name === part) ??
      (part === "status" && current.spec.name === "Run" ? { name: "status" } : undefined);
    if (field)
      return isLast || isLookup(path[i + 1]) ? { registry: current.spec.name, field: field.name } : undefined;
    const rel = relations(current.spec).find((r) => r.name === part);
    if (!rel) return undefined;
    if (isLast) {
      const target = registry(rel.target);
      const lf = target && labelField(target.spec);
      return lf ? { registry: rel.target, field: lf } : undefined;
    }
    current = registry(rel.target);
  }
  return undefined;
}
