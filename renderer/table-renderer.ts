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

export { renderTable, renderDataResource, renderTableModel, getLastCopy } from "./table/render-table";
export { fromDataFrame } from "./table/model";
export { fromDataResource } from "./table/dataresource";
export type { RendererHost } from "./host";
export { DATAFRAME_MIME, DATARESOURCE_MIME } from "./mime";

export const activate: ActivationFunction = (context) => {
  const host = hostFromContext(context);
  const handles = new Map<string, TableHandle>();
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
        handles.set(item.id, renderDataResource(element, raw, host));
      } else {
        if (!isDataFrame(raw)) return void renderError(element, "expected a LaminDB dataframe (columns and rows).");
        handles.set(item.id, renderTable(element, raw, host));
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
