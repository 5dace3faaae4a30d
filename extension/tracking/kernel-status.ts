// Kernel restarts and deaths, from the kernel's own status. A restart while a cell runs ends that cell
// with end(undefined) and no time, which leaves its summary exactly as it was while running: notebook
// change events alone cannot tell a restarted cell from a running one. The Jupyter extension's public API
// can: `exports.kernels.getKernel(uri)` gives the kernel of a notebook the user ran, with its `status` and
// `onDidChangeStatus` ("restarting", "autorestarting" when the server restarts a kernel that died, "dead",
// "terminating"). The project's development kernel ("Python (Jupyter server)", companion/) offers the same
// API. Another controller's restarts are still seen when its execution count starts again at 1.
import * as vscode from "vscode";
import { Disposable } from "../util/disposable";

/** Extensions whose exports have the Jupyter extension's `kernels.getKernel(uri)`. */
export const KERNEL_API_EXTENSIONS = ["ms-toolsai.jupyter", "lamindb-dev.jupyter-kernel"];

const STOPPED = new Set(["restarting", "autorestarting", "dead", "terminating"]);

interface JupyterKernel {
  readonly status: string;
  readonly onDidChangeStatus: vscode.Event<string>;
}

interface JupyterKernels {
  getKernel(uri: vscode.Uri): Thenable<JupyterKernel | undefined>;
}

function kernelsApi(id: string): JupyterKernels | undefined {
  const ext = vscode.extensions.getExtension<{ kernels?: JupyterKernels }>(id);
  // never activates another extension: a kernel the user ran belongs to an active one
  if (!ext?.isActive) return undefined;
  try {
    const kernels = ext.exports?.kernels;
    return kernels && typeof kernels.getKernel === "function" ? kernels : undefined;
  } catch {
    return undefined; // an API that refuses this caller
  }
}

export class KernelStatusWatch extends Disposable {
  /** The status events already listened to (a kernel keeps its event across restarts). */
  private readonly subscribed = new WeakSet<object>();

  constructor(private readonly onStopped: (nb: vscode.NotebookDocument, status: string) => void) {
    super();
  }

  /** Listens to the status of the notebook's kernel, if a kernel API knows it (called as cells start). */
  watch(nb: vscode.NotebookDocument): void {
    for (const id of KERNEL_API_EXTENSIONS) {
      const api = kernelsApi(id);
      if (!api) continue;
      void Promise.resolve(api.getKernel(nb.uri)).then(
        (kernel) => kernel && this.subscribe(nb, kernel),
        () => undefined,
      );
    }
  }

  private subscribe(nb: vscode.NotebookDocument, kernel: JupyterKernel): void {
    const key = kernel.onDidChangeStatus as unknown as object;
    if (this.isDisposed || this.subscribed.has(key)) return;
    this.subscribed.add(key);
    this.track(
      kernel.onDidChangeStatus((status) => {
        if (STOPPED.has(status)) this.onStopped(nb, status);
      }),
    );
  }
}
