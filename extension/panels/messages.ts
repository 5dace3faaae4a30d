// Messages between the extension and its two webviews (describe panel, runs explorer). Types only: the
// webview scripts import them too. The renderers' own RendererMessage travels on the same channel.
import type { DataFrame, Description, RendererMessage } from "../../db/shapes";
import type { ParseResult } from "../../server/protocol";

export type DescribeToWebview =
  { type: "show"; description: Description; notebook?: string } | { type: "describeError"; message: string };

export type DescribeFromWebview = RendererMessage | { type: "ready" } | { type: "openNotebook" };

/** A completion item already in the explorer line's coordinates (0-based offsets). */
export interface ExplorerCompletion {
  label: string;
  /** LSP CompletionItemKind. */
  kind?: number;
  detail?: string;
  documentation?: string;
  insertText: string;
  start: number;
  end: number;
  sortText?: string;
  filterText?: string;
}

export type ExplorerToWebview =
  | { type: "frame"; frame: DataFrame; query: string }
  | { type: "queryError"; message: string; start?: number; end?: number }
  | { type: "completions"; requestId: number; items: ExplorerCompletion[] }
  /** The server's reading of the line (markers as the user types). */
  | { type: "parsed"; requestId: number; result: ParseResult }
  | { type: "setQuery"; text: string; run: boolean };

export type ExplorerFromWebview =
  | RendererMessage
  | { type: "ready" }
  | { type: "run"; text: string }
  | { type: "complete"; requestId: number; text: string; offset: number }
  | { type: "parse"; requestId: number; text: string };

export const DEFAULT_QUERY =
  'Run.filter(status="errored", transform__key__startswith="analysis").to_dataframe(include="created_by__handle")';
