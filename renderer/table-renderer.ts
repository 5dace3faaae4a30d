// Notebook renderer for application/vnd.lamindb.dataframe+json and application/vnd.dataresource+json.
// Also exports the plain functions that the sidebar's detail webview calls (one implementation).
import type { ActivationFunction, OutputItem } from "vscode-notebook-renderer";
import { renderError } from "./dom/error";
import { injectStyle } from "./dom/style";
import { hostFromContext } from "./host";
import { DATARESOURCE_MIME } from "./mime";
import { THEME_CSS } from "./styles/theme";
import { isDataResource } from "./table/dataresource";
import { isDataFrame } from "./table/model";
import { renderDataResource, renderTable, type TableHandle } from "./table/render-table";
import type { TableOptions, TableViewState } from "./table/virtual-table";

export { renderTable, renderDataResource, renderTableModel, getLastCopy } from "./table/render-table";
export { fromDataFrame } from "./table/model";
export { fromDataResource } from "./table/dataresource";
export { hostFromWebview } from "./host";
export type { RendererHost } from "./host";
export { DATAFRAME_MIME, DATARESOURCE_MIME } from "./mime";

type SavedStates = Record<string, TableViewState>;

/** Renderer state from the webview, checked: it may come from an older version of this renderer. */
function savedStates(raw: unknown): SavedStates {
  if (typeof raw !== "object" || raw === null) return {};
  const out: SavedStates = {};
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Partial<TableViewState> | null;
    if (!v || typeof v.query !== "string") continue;
    const sort = v.sort;
    const validSort =
      sort && typeof sort.column === "number" && (sort.direction === "asc" || sort.direction === "desc")
        ? sort
        : null;
    out[id] = { query: v.query, sort: validSort };
  }
  return out;
}

export const activate: ActivationFunction = (context) => {
  const host = hostFromContext(context);
  const handles = new Map<string, TableHandle>();
  // Sort and filter per output survive re-renders (VS Code re-renders outputs, e.g. after a reload).
  const options = (id: string): TableOptions => ({
    initial: savedStates(context.getState())[id],
    onStateChange: (state) => context.setState({ ...savedStates(context.getState()), [id]: state }),
  });
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal) {
      handles.get(item.id)?.dispose();
      handles.delete(item.id);
      if (signal?.aborted) return;
      let raw: unknown;
      try {
        raw = item.json();
      } catch (error) {
        injectStyle(element.ownerDocument, "theme", THEME_CSS);
        renderError(element, "the output is not valid JSON.", error);
        return;
      }
      const mime = item.mime;
      if (mime === DATARESOURCE_MIME || (!isDataFrame(raw) && isDataResource(raw))) {
        if (!isDataResource(raw)) return void renderError(element, "expected a Table Schema data resource.");
        handles.set(item.id, renderDataResource(element, raw, host, options(item.id)));
      } else {
        if (!isDataFrame(raw))
          return void renderError(element, "expected a LaminDB dataframe (columns and rows).");
        handles.set(item.id, renderTable(element, raw, host, options(item.id)));
      }
    },
    disposeOutputItem(id?: string) {
      if (id === undefined) {
        for (const handle of handles.values()) handle.dispose();
        handles.clear();
        return;
      }
      handles.get(id)?.dispose();
      handles.delete(id);
    },
  };
};
