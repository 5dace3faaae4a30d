// Registry.connect("name") in query cells: the named instances of initializationOptions (name -> URL,
// credentials already resolved by the extension). db/ opens each on its first use in a cell and keeps
// it for the next cells; the server closes them when it stops.
import { closeNamedInstances, setInstances } from "../../db/index";
import type { LaminInitializationOptions } from "../protocol";

export function useNamedInstances(options: LaminInitializationOptions): void {
  setInstances(options.instances ?? {}, { user: options.user });
}

export { closeNamedInstances };
