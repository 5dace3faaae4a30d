// Registry classes by model name, so that a relation can build records of its target registry, and
// code that knows registries only by name (the server's `ln.<Name>`) can reach them, without the
// registries importing each other in a cycle.
import type { Instance } from "../instance";
import type { Expressions, QObject } from "../query/q";
import type { QuerySet, Scored } from "../query/queryset";
import type { SearchOptions } from "../query/search";
import type { ModelSpec } from "../schema/fields";
import type { SQLRecord } from "./sqlrecord";

/** A registry class as seen by name: its model and the static methods every registry inherits. */
export interface AnyRegistry {
  readonly name: string;
  readonly spec: ModelSpec;
  fromRow(row: Record<string, unknown>, instance: Instance): SQLRecord;
  filter(...args: Array<QObject | Expressions>): QuerySet<SQLRecord>;
  exclude(...args: Array<QObject | Expressions>): QuerySet<SQLRecord>;
  all(): QuerySet<SQLRecord>;
  get(idlike: number | string | Expressions | QObject): Promise<SQLRecord>;
  search(string: string, options?: SearchOptions): QuerySet<SQLRecord & Scored>;
}

const registries = new Map<string, AnyRegistry>();

/**
 * Called by defineRegistry() with an SQLRecord subclass: its statics are SQLRecord's, typed there by
 * `this`, which is what AnyRegistry states once for every registry.
 */
export function registerRegistry(cls: { readonly spec: ModelSpec }): void {
  registries.set(cls.spec.name, cls as unknown as AnyRegistry);
}

export function registryOf(name: string): AnyRegistry | undefined {
  return registries.get(name);
}

/** Every registry, in the order their modules were loaded. */
export function allRegistries(): AnyRegistry[] {
  return [...registries.values()];
}
