// One local jupyter-server per window: loopback only, a random token (in its environment, never on the
// command line), private Jupyter folders, its own process group. It stops with the window: stop() ends the
// group, and a watchdog thread in the server ends it when the extension host's end of its stdin closes
// (the window closed or the extension host died without calling stop()).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { ServerConnection } from "@jupyterlab/services";

export interface ServerLog {
  info(message: string): void;
  error(message: string): void;
}

/** Runs jupyter-server's main() behind a thread that waits for EOF on stdin, then stops the server. */
const LAUNCHER = `
import os, signal, sys, threading
def watch():
    sys.stdin.buffer.read()
    os.kill(os.getpid(), signal.SIGTERM)
threading.Thread(target=watch, daemon=True).start()
from jupyter_server.serverapp import main
sys.argv = ["jupyter-server"] + sys.argv[1:]
sys.exit(main())
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export class JupyterServer {
  readonly settings: ServerConnection.ISettings;
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
    token: string,
    private readonly log: ServerLog,
  ) {
    this.settings = ServerConnection.makeSettings({
      baseUrl: url,
      wsUrl: url.replace(/^http/, "ws"),
      token,
      appendToken: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    child.once("exit", (code, signal) => {
      if (!this.stopped) log.error(`jupyter-server exited (${signal ?? `code ${String(code)}`})`);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the server with `python` (absolute); resolves once it answers on its port. */
  static async start(options: {
    python: string;
    env?: NodeJS.ProcessEnv;
    log: ServerLog;
    timeoutMs?: number;
  }): Promise<JupyterServer> {
    const dir = mkdtempSync(join(tmpdir(), "lamindb-jupyter-"));
    const token = randomBytes(24).toString("hex");
    const redact = (s: string) => s.split(token).join("<token>");
    const args = [
      "-c",
      LAUNCHER,
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${await freePort()}`,
      // another process may take that port first: jupyter-server then moves on to a free one
      "--ServerApp.port_retries=50",
      // kernels start in their notebook's folder, wherever it is (sessions name notebooks by path)
      "--ServerApp.root_dir=/",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ];
    const child = spawn(options.python, args, {
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        ...options.env,
        JUPYTER_TOKEN: token,
        JUPYTER_CONFIG_DIR: join(dir, "config"),
        JUPYTER_DATA_DIR: join(dir, "data"),
        JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
        JUPYTER_PLATFORM_DIRS: "1",
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
      },
    });
    let output = "";
    const onData = (d: Buffer) => {
      const text = redact(d.toString());
      output = (output + text).slice(-8000);
      for (const line of text.split("\n")) if (line.trim()) options.log.info(line.trimEnd());
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const end = Date.now() + (options.timeoutMs ?? 60000);
    // the server writes jpserver-<pid>.json (with the port it bound) once it listens
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`jupyter-server exited before it listened:\n${output.slice(-2000)}`);
      }
      const port = readPort(join(dir, "runtime"));
      if (port) {
        const url = `http://127.0.0.1:${port}/`;
        const res = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } }).catch(
          () => undefined,
        );
        if (res?.ok) return new JupyterServer(child, dir, url, token, options.log);
      }
      if (Date.now() > end) {
        killGroup(child, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`jupyter-server did not answer within ${options.timeoutMs ?? 60000} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server and its kernels: SIGTERM to its group (it shuts its kernels down), then SIGKILL. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.child.stdin?.end();
    killGroup(this.child, "SIGTERM");
    const end = Date.now() + 5000;
    while (Date.now() < end && this.child.exitCode === null && this.child.signalCode === null)
      await new Promise((r) => setTimeout(r, 50));
    killGroup(this.child, "SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    this.log.info("jupyter-server stopped");
  }
}

function readPort(runtime: string): number | undefined {
  try {
    const file = readdirSync(runtime).find((f) => /^jpserver-\d+\.json$/.test(f));
    if (!file) return undefined;
    const port = (JSON.parse(readFileSync(join(runtime, file), "utf8")) as { port?: unknown }).port;
    return typeof port === "number" && port > 0 ? port : undefined;
  } catch {
    return undefined; // not written yet, or half written
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
