// The "LaminDB" notebook controller: JavaScript / TypeScript cells evaluated by the language server with
// `ln` bound. Outputs are the server's MIME bundles (describe / dataframe / text); errors are notebook
// errors carrying the query API's message. Each notebook's cells run in a process of their own on the
// server's side; interrupt and "Restart query kernel" stop it. Tracking sees these executions like any other controller's.
import * as vscode from "vscode";
import type { JsonValue } from "../../db/shapes";
import type { LaminServer } from "../client/server";
import { Disposable } from "../util/disposable";

export const QUERY_CONTROLLER_ID = "lamindb-query";

export class QueryController extends Disposable {
  private readonly controller = this.track(
    vscode.notebooks.createNotebookController(QUERY_CONTROLLER_ID, "jupyter-notebook", "LaminDB"),
  );
  private order = 0;

  constructor(private readonly server: Pick<LaminServer, "request">) {
    super();
    this.controller.supportedLanguages = ["javascript", "typescript"];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = "query cells evaluated by the LaminDB language server";
    this.controller.detail = 'e.g. await ln.Run.filter({ status: "errored" }).toDataFrame()';
    this.controller.executeHandler = (cells) => this.executeAll(cells);
    // the notebook's cell process is stopped; the cell fails with Interrupted, the next starts a new one
    this.controller.interruptHandler = async (nb) => {
      await this.server.request("lamin/interruptCell", { notebookUri: nb.uri.toString() });
    };
    // notebooks of query cells open with this controller selected
    this.track(vscode.workspace.onDidOpenNotebookDocument((nb) => this.prefer(nb)));
    vscode.workspace.notebookDocuments.forEach((nb) => this.prefer(nb));
  }

  /** A notebook whose kernelspec or code cells are JavaScript/TypeScript gets this controller as its suggestion. */
  private prefer(nb: vscode.NotebookDocument): void {
    if (nb.notebookType !== "jupyter-notebook") return;
    const md = (nb.metadata?.metadata ?? {}) as { kernelspec?: { language?: unknown } };
    const query = (l: unknown) => l === "javascript" || l === "typescript";
    const code = nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
    const language = md.kernelspec?.language;
    if (
      query(language) ||
      (language === undefined && code.length > 0 && code.every((c) => query(c.document.languageId)))
    )
      this.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred);
  }

  get id(): string {
    return this.controller.id;
  }

  private async executeAll(cells: vscode.NotebookCell[]): Promise<void> {
    // like a kernel: every cell is queued first, then they run one after another
    const executions = cells.map((cell) => this.controller.createNotebookCellExecution(cell));
    for (const [i, execution] of executions.entries()) {
      const ok = await this.execute(execution);
      if (!ok) {
        for (const rest of executions.slice(i + 1)) rest.end(undefined);
        return;
      }
    }
  }

  private async execute(execution: vscode.NotebookCellExecution): Promise<boolean> {
    const cell = execution.cell;
    execution.executionOrder = ++this.order;
    execution.start(Date.now());
    await execution.clearOutput();
    const language = cell.document.languageId === "typescript" ? "typescript" : "javascript";
    try {
      const result = await this.server.request("lamin/evaluate", {
        code: cell.document.getText(),
        language,
        cellUri: cell.document.uri.toString(),
        notebookUri: cell.notebook.uri.toString(),
      });
      const outputs = result.outputs.map(
        (o) => new vscode.NotebookCellOutput(o.items.map((item) => outputItem(item.mime, item.data))),
      );
      if (result.error) {
        const error = new Error(result.error.message);
        error.name = result.error.name;
        error.stack = result.error.stack;
        outputs.push(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]));
      }
      await execution.replaceOutput(outputs);
      execution.end(!result.error, Date.now());
      return !result.error;
    } catch (e) {
      // the request itself failed: the server is down, or refused (untrusted workspace)
      const error = e instanceof Error ? e : new Error(String(e));
      await execution.replaceOutput(
        new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]),
      );
      execution.end(false, Date.now());
      return false;
    }
  }
}

/** Text MIME types go as text (stdout/stderr, text/plain, html); everything else as JSON. */
function outputItem(mime: string, data: JsonValue): vscode.NotebookCellOutputItem {
  if (
    typeof data === "string" &&
    (mime.startsWith("text/") || mime.startsWith("application/vnd.code.notebook.std"))
  )
    return vscode.NotebookCellOutputItem.text(data, mime);
  return vscode.NotebookCellOutputItem.json(data, mime);
}
