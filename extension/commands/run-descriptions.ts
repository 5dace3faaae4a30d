// A run's describe() as a read-only notebook, `lamindb-describe:/Run <uid>.ipynb`, read from the server
// when VS Code opens it. Read-only, so it is never dirty: closing it asks nothing and showing the same run
// again reuses its tab. (An untitled notebook was dirty from the start and asked to be saved on close.)
import * as vscode from "vscode";
import type { Description } from "../../db/shapes";
import { DESCRIBE_MIME } from "../../db/shapes";
import type { LaminServer } from "../client/server";
import { Disposable } from "../util/disposable";
import { DESCRIBE_SCHEME } from "./ids";

/** How long a description waits for the server's database before it reports what the server says. */
const CONNECT_WAIT_MS = 30_000;
const UID_CHARS = "[0-9A-Za-z]{1,64}";
const UID = new RegExp(`^${UID_CHARS}$`);
const PATH = new RegExp(`^/Run (${UID_CHARS})\\.ipynb$`);

function runDescriptionUri(uid: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path: `/Run ${uid}.ipynb` });
}

/** The run a description notebook describes, or undefined for any other URI. */
export function describedRun(uri: vscode.Uri): string | undefined {
  return uri.scheme === DESCRIBE_SCHEME ? PATH.exec(uri.path)?.[1] : undefined;
}

/** The .ipynb of one code cell whose output is the description, as a kernel would have saved it. */
export function describeNotebook(uid: string, description: Description): Uint8Array {
  const nb = {
    cells: [
      {
        cell_type: "code",
        execution_count: null,
        metadata: {},
        source: [`ln.Run.get(${JSON.stringify(uid)}).describe()`],
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { [DESCRIBE_MIME]: description, "text/plain": description.text },
          },
        ],
      },
    ],
    metadata: { language_info: { name: "python" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return new TextEncoder().encode(JSON.stringify(nb, null, 1));
}

interface Entry {
  data: Uint8Array;
  mtime: number;
}

export class RunDescriptions extends Disposable implements vscode.FileSystemProvider {
  /** By URI; a read in flight is there too, so VS Code's stat and readFile of it ask the server once. */
  private readonly entries = new Map<string, Promise<Entry>>();
  /** The last mtime given: it only grows, so VS Code sees every reload as newer than what it shows. */
  private lastMtime = 0;
  private readonly changed = this.track(new vscode.EventEmitter<vscode.FileChangeEvent[]>());
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly server: LaminServer) {
    super();
    this.track(
      vscode.workspace.registerFileSystemProvider(DESCRIBE_SCHEME, this, {
        isReadonly: true,
        isCaseSensitive: true,
      }),
    );
    // a closed description is read again when opened again
    this.track(vscode.workspace.onDidCloseNotebookDocument((nb) => this.entries.delete(nb.uri.toString())));
  }

  /**
   * Reads the run's description again; an open notebook of it reloads (it is never dirty). Returns its
   * URI. Throws the server's error (an unknown uid, no connection) for the command to report.
   */
  async refresh(uid: string): Promise<vscode.Uri> {
    if (!UID.test(uid))
      throw new Error(`${JSON.stringify(uid.slice(0, 80))} is not a run uid (letters and digits)`);
    const uri = runDescriptionUri(uid);
    const had = this.entries.has(uri.toString());
    // a failed read leaves what was there
    this.entries.set(uri.toString(), Promise.resolve(await this.load(uid)));
    if (had) this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    return uri;
  }

  private async load(uid: string): Promise<Entry> {
    const description = await this.server.request("lamin/describe", { registry: "Run", uid });
    this.lastMtime = Math.max(Date.now(), this.lastMtime + 1);
    return { data: describeNotebook(uid, description), mtime: this.lastMtime };
  }

  /**
   * Waits for the server's database, at most CONNECT_WAIT_MS: a window restored with a description open
   * reads it while the server it just started is still connecting (which answers "not connected").
   */
  private async connected(): Promise<void> {
    let done = () => {};
    const connected = new Promise<void>((resolve) => (done = resolve));
    // subscribed before asking, so a connection made in between is not missed
    const sub = this.server.onNotification("lamin/connectionChanged", (p) => p.connected && done());
    const timer = setTimeout(done, CONNECT_WAIT_MS);
    try {
      if ((await this.server.request("lamin/status", {})).connected) return;
      await connected;
    } finally {
      clearTimeout(timer);
      sub.dispose();
    }
  }

  private entry(uri: vscode.Uri): Promise<Entry> {
    const uid = describedRun(uri);
    if (!uid) return Promise.reject(vscode.FileSystemError.FileNotFound(uri));
    const key = uri.toString();
    let entry = this.entries.get(key);
    if (!entry) {
      const read = this.read(uid);
      // a failed read is not kept: the next one asks again
      read.catch(() => this.entries.get(key) === read && this.entries.delete(key));
      this.entries.set(key, (entry = read));
    }
    return entry;
  }

  /** VS Code's own read (a restored window): a starting server gets its connection first. */
  private async read(uid: string): Promise<Entry> {
    try {
      // a click on Show run (refresh) reports an outage at once instead
      await this.connected();
      return await this.load(uid);
    } catch (e) {
      throw vscode.FileSystemError.Unavailable(
        `LaminDB could not describe run ${uid}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { data, mtime } = await this.entry(uri);
    return {
      type: vscode.FileType.File,
      ctime: mtime,
      mtime,
      size: data.byteLength,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.entry(uri)).data;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => {}); // changes come from refresh()
  }

  readDirectory(): never {
    throw vscode.FileSystemError.NoPermissions("run descriptions are not listed");
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions("run descriptions are read-only");
  }

  writeFile(): never {
    throw vscode.FileSystemError.NoPermissions("run descriptions are read-only");
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions("run descriptions are read-only");
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions("run descriptions are read-only");
  }
}
