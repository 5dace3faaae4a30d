// The catalog: every model this library knows, and the relations between them seen from each side.
// Every identifier that reaches SQL comes from here.
import type { FieldSpec, ForeignKeySpec, ModelSpec } from "./fields";
import { ArtifactSpec } from "./models/artifact";
import { BlockSpec } from "./models/block";
import {
  ArtifactBlockSpec,
  BranchBlockSpec,
  CollectionBlockSpec,
  FeatureBlockSpec,
  ProjectBlockSpec,
  RecordBlockSpec,
  SchemaBlockSpec,
  SpaceBlockSpec,
  TransformBlockSpec,
  ULabelBlockSpec,
} from "./models/blocks";
import { BranchSpec } from "./models/branch";
import { CollectionSpec } from "./models/collection";
import { FeatureSpec } from "./models/feature";
import { JsonValueSpec } from "./models/jsonvalue";
import { linkSpecs } from "./models/links";
import { ProjectSpec } from "./models/project";
import { RecordSpec } from "./models/record";
import { ReferenceSpec } from "./models/reference";
import { RunSpec } from "./models/run";
import { RunBlockSpec } from "./models/runblock";
import { SchemaSpec } from "./models/schema";
import { SpaceSpec } from "./models/space";
import { StorageSpec } from "./models/storage";
import { TransformSpec } from "./models/transform";
import { ULabelSpec } from "./models/ulabel";
import { UserSpec } from "./models/user";

/**
 * Every model of LaminDB's schema (0193_squashed): the registries, then the link tables. The
 * migrations are frozen SQL (db/migrations/); test/db/schema.test.ts fails when these declarations
 * and a migrated database disagree.
 */
export const registrySpecs: ModelSpec[] = [
  UserSpec,
  SpaceSpec,
  BranchSpec,
  StorageSpec,
  TransformSpec,
  RunSpec,
  ArtifactSpec,
  CollectionSpec,
  ULabelSpec,
  RecordSpec,
  ProjectSpec,
  FeatureSpec,
  JsonValueSpec,
  RunBlockSpec,
  SchemaSpec,
  ReferenceSpec,
  BlockSpec,
  ArtifactBlockSpec,
  BranchBlockSpec,
  CollectionBlockSpec,
  FeatureBlockSpec,
  ProjectBlockSpec,
  RecordBlockSpec,
  SchemaBlockSpec,
  SpaceBlockSpec,
  TransformBlockSpec,
  ULabelBlockSpec,
];
export const allSpecs: ModelSpec[] = [...registrySpecs, ...linkSpecs];

const byName = new Map(allSpecs.map((s) => [s.name, s]));

export function spec(name: string): ModelSpec {
  const s = byName.get(name);
  if (!s) throw new Error(`internal: unknown model ${name}`);
  return s;
}

/** A relation seen from one model. To-one relations can be read as a record, to-many as a query. */
export type Relation =
  | { kind: "fk"; name: string; target: ModelSpec; column: string; fk: ForeignKeySpec } // this.column -> target.id
  | { kind: "reverse"; name: string; target: ModelSpec; targetColumn: string; fk: ForeignKeySpec } // target.targetColumn -> this.id
  | {
      kind: "m2m";
      name: string;
      target: ModelSpec;
      link: ModelSpec;
      sourceColumn: string; // link column pointing to this model
      targetColumn: string; // link column pointing to the target
    };

export function isToMany(r: Relation): boolean {
  return r.kind === "m2m" || (r.kind === "reverse" && !r.fk.unique);
}

function buildRelations(): Map<string, Map<string, Relation>> {
  const out = new Map<string, Map<string, Relation>>();
  const add = (model: string, r: Relation) => {
    let m = out.get(model);
    if (!m) out.set(model, (m = new Map()));
    if (m.has(r.name)) throw new Error(`internal: duplicate relation ${model}.${r.name}`);
    m.set(r.name, r);
  };
  for (const s of allSpecs) {
    for (const fk of s.foreignKeys) {
      const target = spec(fk.target);
      add(s.name, { kind: "fk", name: fk.name, target, column: fk.column, fk });
      if (fk.relatedName) {
        add(target.name, { kind: "reverse", name: fk.relatedName, target: s, targetColumn: fk.column, fk });
      }
    }
    for (const m of s.manyToMany) {
      const link = spec(m.through);
      const col = (field: string) => {
        const f = link.foreignKeys.find((x) => x.name === field);
        if (!f) throw new Error(`internal: ${link.name} has no ${field}`);
        return f.column;
      };
      const target = spec(m.target);
      add(s.name, {
        kind: "m2m",
        name: m.name,
        target,
        link,
        sourceColumn: col(m.sourceField),
        targetColumn: col(m.targetField),
      });
      if (m.relatedName) {
        add(target.name, {
          kind: "m2m",
          name: m.relatedName,
          target: s,
          link,
          sourceColumn: col(m.targetField),
          targetColumn: col(m.sourceField),
        });
      }
    }
  }
  return out;
}

const relations = buildRelations();

export function relationsOf(model: ModelSpec): Map<string, Relation> {
  return relations.get(model.name) ?? new Map();
}

export function fieldOf(model: ModelSpec, name: string): FieldSpec | undefined {
  return model.fields.find((f) => f.name === name);
}

/** The primary key field ("id" on every model here). */
export function primaryKey(model: ModelSpec): FieldSpec {
  const pk = model.fields.find((f) => f.primary);
  if (!pk) throw new Error(`internal: ${model.name} has no primary key`);
  return pk;
}

/** Columns in table order as the record layer sees them: simple fields then foreign key columns. */
export function columnsOf(model: ModelSpec): string[] {
  return [...model.fields.map((f) => f.column), ...model.foreignKeys.map((fk) => fk.column)];
}

/** Every name a filter may start with on this model, for FieldError messages and completions. */
export function queryableNames(model: ModelSpec): string[] {
  const names = new Set<string>();
  for (const f of model.fields) names.add(f.name);
  for (const fk of model.foreignKeys) {
    names.add(fk.name);
    names.add(fk.column);
  }
  for (const r of relationsOf(model).keys()) names.add(r);
  return [...names].sort();
}
