// The documents the server sees: plain text documents (.py files, and notebook cells sent as
// `vscode-notebook-cell:` text documents) and notebooks synced with LSP 3.17 notebook sync.
import {
  NotebookDocuments,
  TextDocuments,
  type Connection,
  type NotebookDocument,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { SourceLanguage } from "./python/parser";

export class Documents {
  readonly text = new TextDocuments(TextDocument);
  readonly notebooks = new NotebookDocuments(TextDocument);

  private readonly openNotebooks = new Map<string, NotebookDocument>();

  listen(connection: Connection): void {
    this.text.listen(connection);
    this.notebooks.listen(connection);
    this.notebooks.onDidOpen((nb) => this.openNotebooks.set(nb.uri, nb));
    this.notebooks.onDidChange((e) =>
      this.openNotebooks.set(
        e.notebookDocument.uri,
        this.notebooks.getNotebookDocument(e.notebookDocument.uri)!,
      ),
    );
    this.notebooks.onDidClose((nb) => this.openNotebooks.delete(nb.uri));
  }

  get(uri: string): TextDocument | undefined {
    return this.text.get(uri) ?? this.notebooks.cellTextDocuments.get(uri);
  }

  /** Python notebooks and files, and the extension's JavaScript/TypeScript query cells. */
  languageOf(doc: TextDocument): SourceLanguage | undefined {
    const id = doc.languageId;
    if (id === "python" || doc.uri.endsWith(".py")) return "python";
    if (id === "javascript" || id === "typescript") return id;
    return undefined;
  }

  /** The cells before this one in its notebook (notebook sync), else the other open cells of it. */
  earlierCells(uri: string, language: SourceLanguage = "python"): TextDocument[] {
    const notebook = this.notebooks.findNotebookDocumentForCell(uri);
    if (notebook) {
      const out: TextDocument[] = [];
      for (const cell of notebook.cells) {
        if (cell.document === uri) break;
        const doc = this.notebooks.getCellTextDocument(cell);
        if (doc && this.languageOf(doc) === language) out.push(doc);
      }
      return out;
    }
    if (!uri.startsWith("vscode-notebook-cell:")) return [];
    const path = uri.split("#")[0];
    return this.text
      .all()
      .filter((d) => d.uri !== uri && d.uri.split("#")[0] === path && this.languageOf(d) === language);
  }

  /** Every open document the server reads (Python, JavaScript, TypeScript): plain ones and cells. */
  allSources(): TextDocument[] {
    const out = this.text.all().filter((d) => this.languageOf(d) !== undefined);
    for (const uri of this.openNotebooks.keys()) {
      const nb = this.notebooks.getNotebookDocument(uri);
      for (const cell of nb?.cells ?? []) {
        const doc = this.notebooks.getCellTextDocument(cell);
        if (doc && this.languageOf(doc) !== undefined) out.push(doc);
      }
    }
    return out;
  }
}
