// Named instances for Registry.connect("acme/prod"): the user's list of instances (name -> URL),
// given by the host (the language server passes it from VS Code's settings and SecretStorage).
// Each is opened on first use and kept open.
import { InvalidArgument } from "./errors";
import type { Instance } from "./instance";

let urls = new Map<string, string>();
const open = new Map<string, Promise<Instance>>();

export function setInstances(instances: Record<string, string>): void {
  urls = new Map(Object.entries(instances));
}

export function instanceNames(): string[] {
  return [...urls.keys()].sort();
}

export function openNamedInstance(name: string): Promise<Instance> {
  const url = urls.get(name);
  if (!url) {
    const known = instanceNames();
    return Promise.reject(
      new InvalidArgument(
        `Unknown instance '${name}'. ${known.length ? `Known instances: ${known.join(", ")}` : "No instances are configured"}.`,
      ),
    );
  }
  let p = open.get(name);
  if (!p) {
    p = import("./connect").then(({ connect }) => connect({ url, setDefault: false }));
    p.catch(() => open.delete(name)); // a failed open is retried on the next use
    open.set(name, p);
  }
  return p;
}

/** Closes every named instance (for hosts shutting down). */
export async function closeNamedInstances(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  await Promise.allSettled(all.map(async (p) => (await p).close()));
}
