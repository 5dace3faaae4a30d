// Notebook renderer for application/vnd.lamindb.describe+json (LaminDB's describe() tree).
// Also exports renderDescription for the sidebar's detail webview (one implementation).
import type { ActivationFunction, OutputItem } from "vscode-notebook-renderer";
import { isDescription, renderDescription, type DescriptionHandle } from "./describe/render-description";
import { renderError } from "./dom/error";
import { injectStyle } from "./dom/style";
import { hostFromContext } from "./host";
import { THEME_CSS } from "./styles/theme";

export { renderDescription, isDescription } from "./describe/render-description";
export { layoutLineage } from "./lineage/layout";
export { DESCRIBE_MIME } from "./mime";
export { hostFromWebview } from "./host";
export type { RendererHost } from "./host";

export const activate: ActivationFunction = (context) => {
  const host = hostFromContext(context);
  const handles = new Map<string, DescriptionHandle>();
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
        return renderError(element, "the output is not valid JSON.", error);
      }
      if (!isDescription(raw)) {
        injectStyle(element.ownerDocument, "theme", THEME_CSS);
        return renderError(element, "expected a LaminDB description (registry, uid, fields).");
      }
      handles.set(item.id, renderDescription(element, raw, host));
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
