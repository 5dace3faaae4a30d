// Named instances for Registry.connect("acme/prod"): the user's list of instances (name -> URL),
// given by the host (the language server passes it from VS Code's settings and SecretStorage).
// Each is opened on first use and kept open. A host that serves several users in one process (two
// language servers) keeps a NamedInstances each and runs their work in its scope (runWith); everything
// else uses the process's default list.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ConnectOptions } from "./connect";
import { InvalidArgument } from "./errors";
import type { Instance } from "./instance";

export class NamedInstances {
  private static readonly scoped = new AsyncLocalStorage<NamedInstances>();
  static readonly processDefault = new NamedInstances();

  private urls = new Map<string, string>();
  private user: ConnectOptions["user"];
  private readonly open = new Map<string, { url: string; instance: Promise<Instance> }>();

  /** The list of the current scope (runWith), else the process's. */
  static get current(): NamedInstances {
    return NamedInstances.scoped.getStore() ?? NamedInstances.processDefault;
  }

  /** Runs fn with this list as the one Registry.connect() reads (awaited inside the scope). */
  runWith<T>(fn: () => T): T {
    return NamedInstances.scoped.run(this, fn);
  }

  /**
   * The list of instances, and the user that records written through them are created by. An open
   * instance whose name is gone or now points elsewhere is closed.
   */
  set(instances: Record<string, string>, options: { user?: ConnectOptions["user"] } = {}): void {
    this.urls = new Map(Object.entries(instances));
    this.user = options.user;
    for (const [name, entry] of this.open) {
      if (this.urls.get(name) === entry.url) continue;
      this.open.delete(name);
      void entry.instance.then((i) => i.close()).catch(() => {});
    }
  }

  names(): string[] {
    return [...this.urls.keys()].sort();
  }

  get(name: string): Promise<Instance> {
    const url = this.urls.get(name);
    if (!url) {
      const known = this.names();
      return Promise.reject(
        new InvalidArgument(
          `Unknown instance '${name}'. ${known.length ? `Known instances: ${known.join(", ")}` : "No instances are configured"}.`,
        ),
      );
    }
    let entry = this.open.get(name);
    if (!entry) {
      const user = this.user;
      const instance = import("./connect").then(({ connect }) => connect({ url, user, setDefault: false }));
      const opened = { url, instance };
      instance.catch(() => {
        if (this.open.get(name) === opened) this.open.delete(name); // a failed open is retried on the next use
      });
      this.open.set(name, (entry = opened));
    }
    return entry.instance;
  }

  /** Closes every open instance of the list (for hosts shutting down). */
  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (e) => (await e.instance).close()));
  }
}

/** Sets the process's list (see NamedInstances.set). */
export function setInstances(
  instances: Record<string, string>,
  options: { user?: ConnectOptions["user"] } = {},
): void {
  NamedInstances.processDefault.set(instances, options);
}

export function instanceNames(): string[] {
  return NamedInstances.current.names();
}

export function openNamedInstance(name: string): Promise<Instance> {
  return NamedInstances.current.get(name);
}

/** Closes every instance of the process's list (for hosts shutting down). */
export function closeNamedInstances(): Promise<void> {
  return NamedInstances.processDefault.close();
}
