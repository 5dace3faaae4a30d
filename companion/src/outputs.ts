// Jupyter outputs (nbformat) as VS Code cell outputs, the way the Jupyter extension converts them, with the
// metadata VS Code's ipynb serializer reads back when the notebook is saved (outputType, executionCount,
// the output's own metadata, the original error with its traceback).
import * as vscode from "vscode";

export type MimeBundle = Record<string, unknown>;

export interface JupyterOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string;
  data?: MimeBundle;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

const TEXT_MIMES = /^text\/|^image\/svg\+xml$|^application\/(javascript|x-latex)$/;

/** A bundle's value as bytes: JSON mimes as JSON, base64 images decoded, text joined. */
function item(mime: string, value: unknown): vscode.NotebookCellOutputItem {
  if (mime === "application/json" || mime.endsWith("+json")) {
    return vscode.NotebookCellOutputItem.json(value, mime);
  }
  const text = Array.isArray(value) ? value.join("") : String(value ?? "");
  if (!TEXT_MIMES.test(mime) && /^(image|audio|video)\//.test(mime)) {
    return new vscode.NotebookCellOutputItem(Buffer.from(text, "base64"), mime);
  }
  return vscode.NotebookCellOutputItem.text(text, mime);
}

export function toCellOutput(output: JupyterOutput): vscode.NotebookCellOutput {
  switch (output.output_type) {
    case "stream": {
      const text = output.text ?? "";
      const it =
        output.name === "stderr"
          ? vscode.NotebookCellOutputItem.stderr(text)
          : vscode.NotebookCellOutputItem.stdout(text);
      return new vscode.NotebookCellOutput([it], { outputType: "stream" });
    }
    case "error":
      return new vscode.NotebookCellOutput(
        [
          vscode.NotebookCellOutputItem.error({
            name: output.ename ?? "Error",
            message: output.evalue ?? "",
            stack: (output.traceback ?? []).join("\n"),
          }),
        ],
        { outputType: "error", originalError: output },
      );
    default: {
      const data = output.data ?? {};
      const items = Object.entries(data).map(([mime, value]) => item(mime, value));
      const metadata: Record<string, unknown> = {
        outputType: output.output_type,
        metadata: output.metadata ?? {},
      };
      if (output.transient) metadata.transient = output.transient;
      if (output.output_type === "execute_result") metadata.executionCount = output.execution_count ?? null;
      return new vscode.NotebookCellOutput(items, metadata);
    }
  }
}

/** The Jupyter extension's error output for a failure outside the kernel's own errors (the kernel died). */
export function messageOutput(message: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: "", message })], {
    outputType: "error",
    originalError: { output_type: "error", ename: "", evalue: message, traceback: [message] },
  });
}

export function streamItem(name: string | undefined, text: string): vscode.NotebookCellOutputItem {
  return name === "stderr"
    ? vscode.NotebookCellOutputItem.stderr(text)
    : vscode.NotebookCellOutputItem.stdout(text);
}
