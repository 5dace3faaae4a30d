// Shown instead of a crash when an output's JSON is not what the renderer expects.
import { el } from "./el";
import { injectStyle } from "./style";
import { THEME_CSS } from "../styles/theme";

export function renderError(element: HTMLElement, message: string, detail?: unknown): void {
  const doc = element.ownerDocument;
  injectStyle(doc, "theme", THEME_CSS);
  const box = el(doc, "div", "ldb-root ldb-render-error", null, { role: "alert" });
  box.appendChild(el(doc, "strong", "", "LaminDB renderer: "));
  box.appendChild(doc.createTextNode(message));
  if (detail !== undefined)
    box.appendChild(el(doc, "div", "ldb-muted", String(detail instanceof Error ? detail.message : detail)));
  element.replaceChildren(box);
}
