// Completions for the explorer line from the language server: the line is sent as a virtual Python
// document `ln.<query>` (didOpen once per server, then full-text didChange) and the server's Python
// completion contexts (fields in filter(, include=, values, statuses) answer as in a notebook cell.
import type { LanguageClient } from "vscode-languageclient/node";
import type * as lsp from "vscode-languageserver-protocol";
import type { LaminServer } from "../client/server";
import type { ExplorerCompletion } from "../panels/messages";

export const EXPLORER_DOCUMENT_URI = "lamindb-explorer:/query.py";

/**
 * The explorer line as a Python document for the language server's completions: `ln.` is prefixed
 * unless already there. Returns the text and how many characters were added before the line.
 */
export function asPythonDocument(line: string): { text: string; shift: number } {
  if (/^\s*(ln|lamindb)\./.test(line)) return { text: line, shift: 0 };
  return { text: `ln.${line}`, shift: 3 };
}

export class ExplorerCompletions {
  private client: LanguageClient | undefined;
  private version = 0;

  constructor(private readonly server: Pick<LaminServer, "start">) {}

  async complete(line: string, offset: number): Promise<ExplorerCompletion[]> {
    const client = await this.server.start();
    if (!client) return [];
    const { text, shift } = asPythonDocument(line);
    await this.sync(client, text);
    const result = await client.sendRequest<lsp.CompletionList | lsp.CompletionItem[] | null>(
      "textDocument/completion",
      {
        textDocument: { uri: EXPLORER_DOCUMENT_URI },
        position: { line: 0, character: offset + shift },
      } satisfies lsp.CompletionParams,
    );
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    return items.map((i) => toExplorerItem(i, offset, shift));
  }

  /** Tells the server the explorer is gone, so it drops the document (and its diagnostics). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning())
      await client.sendNotification("textDocument/didClose", {
        textDocument: { uri: EXPLORER_DOCUMENT_URI },
      });
  }

  private async sync(client: LanguageClient, text: string): Promise<void> {
    this.version++;
    if (this.client !== client) {
      // a new server (first use or a restart) has never seen the document
      this.client = client;
      await client.sendNotification("textDocument/didOpen", {
        textDocument: { uri: EXPLORER_DOCUMENT_URI, languageId: "python", version: this.version, text },
      } satisfies lsp.DidOpenTextDocumentParams);
      return;
    }
    await client.sendNotification("textDocument/didChange", {
      textDocument: { uri: EXPLORER_DOCUMENT_URI, version: this.version },
      contentChanges: [{ text }],
    } satisfies lsp.DidChangeTextDocumentParams);
  }
}

function toExplorerItem(i: lsp.CompletionItem, offset: number, shift: number): ExplorerCompletion {
  let start = offset;
  let end = offset;
  let insertText = i.insertText ?? i.label;
  const edit = i.textEdit;
  if (edit) {
    const range = "range" in edit ? edit.range : edit.replace;
    start = Math.max(0, range.start.character - shift);
    end = Math.max(start, range.end.character - shift);
    insertText = edit.newText;
  }
  const doc = typeof i.documentation === "string" ? i.documentation : i.documentation?.value;
  return {
    label: i.label,
    ...(i.kind !== undefined ? { kind: i.kind } : {}),
    ...(i.detail ? { detail: i.detail } : {}),
    ...(doc ? { documentation: doc } : {}),
    insertText,
    start,
    end,
    ...(i.sortText ? { sortText: i.sortText } : {}),
    ...(i.filterText ? { filterText: i.filterText } : {}),
  };
}
