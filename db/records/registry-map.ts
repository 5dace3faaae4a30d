// Registry classes by model name, so that a relation can build records of its target registry
// without the registries importing each other in a cycle.
import type { ModelSpec } from "../schema/fields";
import type { Instance } from "../instance";

export interface RegistryCtor {
  readonly spec: ModelSpec;
  fromRow(row: Record<string, unknown>, instance: Instance): object;
}

const registries = new Map<string, RegistryCtor>();

export function registerRegistry(cls: RegistryCtor): void {
  registries.set(cls.spec.name, cls);
}

export function registryOf(name: string): RegistryCtor | undefined {
  return registries.get(name);
}

export function allRegistries(): RegistryCtor[] {
  return [...registries.values()];
}
