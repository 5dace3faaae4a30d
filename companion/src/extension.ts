// "Python (Jupyter server)": a NotebookController for Jupyter notebooks that runs Python cells on
// ipykernel behind a local jupyter-server, talking to it with @jupyterlab/services (REST and WebSocket), and
// calls VS Code's execution API as the Jupyter extension does. A development companion of LaminDB for
// VS Code: `npm start` and the end-to-end tests install it where the Jupyter extension cannot be had; it is
// not part of the packaged extension. Its API has the shape of the Jupyter extension's public
// `kernels.getKernel(uri)` (status and its changes), which LaminDB reads to see restarts and deaths.
import * as vscode from "vscode";
import { CellExecutions } from "./executions";
import { JupyterServer } from "./jupyter-server";
import { findKernelspec, pythonVersion, type Kernelspec } from "./kernelspec";
import { writeKernelMetadata } from "./metadata";
import { NotebookKernel, type KernelStatus } from "./notebook-kernel";

export const CONTROLLER_ID = "python-jupyter-server";
const JUPYTER_EXTENSION = "ms-toolsai.jupyter";

/** The window's jupyter-server, started with the first kernel; deactivate() stops it. */
let server: Promise<JupyterServer> | undefined;

/** What the Jupyter extension's `kernels.getKernel(uri)` gives (status, its changes, the language). */
export interface KernelApi {
  readonly status: KernelStatus;
  readonly onDidChangeStatus: vscode.Event<KernelStatus>;
  readonly language: string;
}

export interface CompanionApi {
  readonly controllerId: string;
  readonly kernels: { getKernel(uri: vscode.Uri): Promise<KernelApi | undefined> };
  /** For tests: the kernel's process id, a restart and an interrupt as the toolbar does them. */
  kernelPid(nb: vscode.NotebookDocument): Promise<number>;
  restart(nb: vscode.NotebookDocument): Promise<void>;
  interrupt(nb: vscode.NotebookDocument): Promise<void>;
  readonly serverPid: number | undefined;
}

export function activate(context: vscode.ExtensionContext): CompanionApi {
  const log = vscode.window.createOutputChannel("Python (Jupyter server)", { log: true });
  context.subscriptions.push(log);
  const controller = vscode.notebooks.createNotebookController(
    CONTROLLER_ID,
    "jupyter-notebook",
    "Python (Jupyter server)",
  );
  controller.supportedLanguages = ["python", "raw"];
  controller.supportsExecutionOrder = true;
  controller.description = "ipykernel on a local jupyter-server";
  context.subscriptions.push(controller);
  const executions = new CellExecutions(controller);
  const kernels = new Map<vscode.NotebookDocument, NotebookKernel>();

  let spec: Kernelspec | undefined;
  const kernelspec = () => (spec ??= findKernelspec());
  let serverPid: number | undefined;
  const startServer = () =>
    (server ??= JupyterServer.start({
      python: kernelspec().python,
      log: { info: (m) => log.info(m), error: (m) => log.error(m) },
    }).then(
      (s) => {
        serverPid = s.pid;
        return s;
      },
      (e: unknown) => {
        server = undefined;
        throw e;
      },
    ));
  let interpreterVersion: Promise<string | undefined> | undefined;
  const writeMetadata = async (nb: vscode.NotebookDocument, languageInfo?: Record<string, unknown>) => {
    const s = kernelspec();
    interpreterVersion ??= pythonVersion(s.python);
    const info = languageInfo ?? { name: "python", version: await interpreterVersion };
    await writeKernelMetadata(nb, s, info);
  };

  const kernelOf = (nb: vscode.NotebookDocument) => {
    let k = kernels.get(nb);
    if (!k) {
      k = new NotebookKernel(nb, { server: startServer, executions, log, writeMetadata });
      kernels.set(nb, k);
    }
    return k;
  };
  const shutdown = (nb: vscode.NotebookDocument) => {
    const k = kernels.get(nb);
    kernels.delete(nb);
    return k?.shutdown();
  };

  controller.executeHandler = async (cells, nb) => {
    if (!vscode.workspace.isTrusted) return;
    await kernelOf(nb).execute(cells);
  };
  controller.interruptHandler = (nb) => kernels.get(nb)?.interrupt();

  context.subscriptions.push(
    controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      if (!selected) return void shutdown(notebook);
      // as the Jupyter extension: the metadata names this kernel, and the kernel starts at once
      void (async () => {
        try {
          await writeMetadata(notebook);
          await kernelOf(notebook).start();
        } catch (e) {
          log.error(`cannot start the kernel for ${notebook.uri.fsPath}: ${String(e)}`);
        }
      })();
    }),
    vscode.workspace.onDidCloseNotebookDocument((nb) => void shutdown(nb)),
    vscode.workspace.onDidOpenNotebookDocument((nb) => prefer(controller, nb)),
    vscode.commands.registerCommand("lamindbDev.jupyter.restartKernel", (arg?: unknown) => {
      const nb = notebookOf(arg);
      return nb && kernels.get(nb)?.restart();
    }),
    vscode.commands.registerCommand("lamindbDev.jupyter.interruptKernel", (arg?: unknown) => {
      const nb = notebookOf(arg);
      return nb && kernels.get(nb)?.interrupt();
    }),
    vscode.commands.registerCommand("lamindbDev.jupyter.showLog", () => log.show()),
    { dispose: () => kernels.forEach((k) => k.dispose()) },
  );
  vscode.workspace.notebookDocuments.forEach((nb) => prefer(controller, nb));

  // VS Code suggests a preferred controller but selects none by itself: a Python notebook shown for the
  // first time in this workspace gets this kernel selected, as the Jupyter extension's would be; a choice the
  // user makes later is VS Code's to remember (setting lamindbDev.jupyter.selectForPythonNotebooks)
  const shown = new Set(context.workspaceState.get<string[]>("selectedOnce") ?? []);
  const selectOnce = async (editor: vscode.NotebookEditor) => {
    const nb = editor.notebook;
    const enabled = vscode.workspace
      .getConfiguration("lamindbDev.jupyter")
      .get<boolean>("selectForPythonNotebooks", true);
    if (!enabled || !isPythonNotebook(nb) || kernels.has(nb) || shown.has(nb.uri.toString())) return;
    shown.add(nb.uri.toString());
    await context.workspaceState.update("selectedOnce", [...shown]);
    await vscode.commands.executeCommand("notebook.selectKernel", {
      notebookEditor: editor,
      id: CONTROLLER_ID,
      extension: context.extension.id,
    });
  };
  context.subscriptions.push(
    vscode.window.onDidChangeVisibleNotebookEditors((editors) => editors.forEach((e) => void selectOnce(e))),
  );
  vscode.window.visibleNotebookEditors.forEach((e) => void selectOnce(e));

  return {
    controllerId: CONTROLLER_ID,
    kernels: {
      getKernel: async (uri) => {
        const nb = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
        const k = nb && kernels.get(nb);
        if (!k || !k.userStarted) return undefined;
        return {
          get status() {
            return k.status;
          },
          onDidChangeStatus: k.onDidChangeStatus,
          language: "python",
        };
      },
    },
    kernelPid: (nb) => kernelOf(nb).pid(),
    restart: async (nb) => kernels.get(nb)?.restart(),
    interrupt: async (nb) => kernels.get(nb)?.interrupt(),
    get serverPid() {
      return serverPid;
    },
  };
}

/**
 * Python notebooks get this kernel as their suggestion, so it is selected when they open; not where the
 * Jupyter extension is installed, whose own kernels are the ones to prefer then.
 */
function prefer(controller: vscode.NotebookController, nb: vscode.NotebookDocument): void {
  if (isPythonNotebook(nb))
    controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
}

/** A saved Python notebook, where the Jupyter extension is not installed (its kernels come first then). */
function isPythonNotebook(nb: vscode.NotebookDocument): boolean {
  // not untitled ones (LaminDB's describe views are some): a kernel would start for each
  if (
    nb.notebookType !== "jupyter-notebook" ||
    nb.isUntitled ||
    vscode.extensions.getExtension(JUPYTER_EXTENSION)
  )
    return false;
  const md = (nb.metadata?.metadata ?? {}) as {
    kernelspec?: { language?: unknown };
    language_info?: { name?: unknown };
  };
  const language = md.language_info?.name ?? md.kernelspec?.language;
  const cellsArePython = nb.getCells().some((c) => c.document.languageId === "python");
  return language === "python" || (language === undefined && cellsArePython);
}

/** Commands get the notebook editor (toolbar), a uri, or nothing (the palette: the active notebook). */
function notebookOf(arg: unknown): vscode.NotebookDocument | undefined {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  if (uri) return vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
  return vscode.window.activeNotebookEditor?.notebook;
}

/** Stops the server (and so every kernel); VS Code waits for it when the window closes. */
export async function deactivate(): Promise<void> {
  const s = await server?.catch(() => undefined);
  server = undefined;
  await s?.stop();
}
