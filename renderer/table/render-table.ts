// The table's public entry for any host: a notebook output or the sidebar's detail webview.
import type { DataFrame, DataResource } from "../../db/shapes";
import { injectStyle } from "../dom/style";
import type { RendererHost } from "../host";
import { TABLE_CSS } from "../styles/table";
import { THEME_CSS } from "../styles/theme";
import { fromDataResource } from "./dataresource";
import { fromDataFrame, type TableModel } from "./model";
import { TableView, type LastCopy, type TableOptions } from "./virtual-table";

export interface TableHandle {
  dispose(): void;
  readonly lastCopy: LastCopy | null;
  readonly view: TableView;
}

const views = new WeakMap<HTMLElement, TableView>();

export function renderTableModel(
  element: HTMLElement,
  model: TableModel,
  host: RendererHost = {},
  options: TableOptions = {},
): TableHandle {
  injectStyle(element.ownerDocument, "theme", THEME_CSS);
  injectStyle(element.ownerDocument, "table", TABLE_CSS);
  views.get(element)?.dispose();
  const label = model.registry ? `${model.registry} table` : "Table";
  const view = new TableView(element, model, host, label, options);
  views.set(element, view);
  return {
    view,
    get lastCopy() {
      return view.lastCopy;
    },
    dispose() {
      view.dispose();
      if (views.get(element) === view) views.delete(element);
    },
  };
}

/** Renders LaminDB's DataFrame (application/vnd.lamindb.dataframe+json). */
export function renderTable(
  element: HTMLElement,
  frame: DataFrame,
  host: RendererHost = {},
  options: TableOptions = {},
): TableHandle {
  return renderTableModel(element, fromDataFrame(frame), host, options);
}

/** Renders pandas' Table Schema bundle (application/vnd.dataresource+json). */
export function renderDataResource(
  element: HTMLElement,
  resource: DataResource,
  host: RendererHost = {},
  options: TableOptions = {},
): TableHandle {
  return renderTableModel(element, fromDataResource(resource), host, options);
}

/** What the last "copy" produced for the table in `element`; lets tests check without clipboard access. */
export function getLastCopy(element: HTMLElement): LastCopy | null {
  return views.get(element)?.lastCopy ?? null;
}
