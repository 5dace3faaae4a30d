// Named instances for Registry.connect("acme/prod"): the user's list of instances (name -> URL),
// given by the host (the language server passes it from VS Code's settings and SecretStorage).
// Each is opened on first use and kept open.
import type { ConnectOptions } from "./connect";
import { InvalidArgument } from "./errors";
import type { Instance } from "./instance";

let urls = new Map<string, string>();
let user: ConnectOptions["user"];
const open = new Map<string, { url: string; instance: Promise<Instance> }>();

/**
 * The list of instances, and the user that records written through them are created by. An open
 * instance whose name is gone or now points elsewhere is closed.
 */
export function setInstances(
  instances: Record<string, string>,
  options: { user?: ConnectOptions["user"] } = {},
): void {
  urls = new Map(Object.entries(instances));
  user = options.user;
  for (const [name, entry] of open) {
    if (urls.get(name) === entry.url) continue;
    open.delete(name);
    void entry.instance.then((i) => i.close()).catch(() => {});
  }
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
  let entry = open.get(name);
  if (!entry) {
    const instance = import("./connect").then(({ connect }) => connect({ url, user, setDefault: false }));
    const opened = { url, instance };
    instance.catch(() => {
      if (open.get(name) === opened) open.delete(name); // a failed open is retried on the next use
    });
    open.set(name, (entry = opened));
  }
  return entry.instance;
}

/** Closes every named instance (for hosts shutting down). */
export async function closeNamedInstances(): Promise<void> {
  const all = [...open.values()];
  open.clear();
  await Promise.allSettled(all.map(async (e) => (await e.instance).close()));
}
