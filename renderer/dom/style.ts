// Styles ship inside the JS bundle. Each sheet goes once into the document head (not a shadow root,
// so VS Code's "find in outputs" still sees the text); every class is prefixed `ldb-`.

export function injectStyle(doc: Document, id: string, css: string): void {
  const attr = `data-ldb-style`;
  if (doc.head?.querySelector(`style[${attr}="${id}"]`)) return;
  const style = doc.createElement("style");
  style.setAttribute(attr, id);
  style.textContent = css;
  (doc.head ?? doc.documentElement).appendChild(style);
}
