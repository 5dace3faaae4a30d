// The only way renderer/ creates DOM: createElement + textContent + setAttribute.
// Data never reaches innerHTML, and no data-driven attribute can be an event handler or a URL.

type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;

const SVG_NS = "http://www.w3.org/2000/svg";
// Attributes that would turn a string into code or navigation; refused whatever their value.
const FORBIDDEN_ATTR = /^(on|href$|src$|srcdoc$|action$|formaction$|xlink:href$|style$)/i;

function setAttrs(node: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (FORBIDDEN_ATTR.test(name)) throw new Error(`renderer refuses to set attribute ${name}`);
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

/** Creates an HTML element with a class, text (as textContent) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className?: string,
  text?: string | null,
  attrs?: Attrs,
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  setAttrs(node, attrs);
  return node;
}

/** Creates an SVG element; the same rules as el(). */
export function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs?: Attrs,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = doc.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Appends children, skipping null/undefined so callers can write conditional parts inline. */
export function append(parent: Node, ...children: Array<Node | null | undefined | false>): void {
  for (const child of children) if (child) parent.appendChild(child);
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
