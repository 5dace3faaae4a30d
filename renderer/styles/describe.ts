// The describe() view: a compact header, a borderless two-column field table, collapsible sections.
export const DESCRIBE_CSS = `
.ldb-describe { display: flex; flex-direction: column; gap: 8px; max-width: 1100px; padding: 2px 0 4px 0; }
.ldb-describe-header { display: flex; flex-direction: column; gap: 2px; }
.ldb-title-line { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.ldb-title { margin: 0; font-size: 1.12em; font-weight: 600; overflow-wrap: anywhere; }
.ldb-header-meta { font-size: 0.9em; }
.ldb-warnings { display: flex; flex-direction: column; gap: 4px; }
.ldb-warning {
  display: flex; gap: 6px; align-items: baseline; padding: 3px 8px; border-left: 3px solid var(--ldb-warn-border);
  background: var(--ldb-warn-bg); border-radius: 2px;
}
.ldb-warning-icon { color: var(--ldb-warn-border); }
.ldb-fields { border-collapse: collapse; width: 100%; table-layout: auto; }
.ldb-fields th, .ldb-fields td { padding: 2px 10px 2px 0; text-align: left; vertical-align: top; }
.ldb-fields th {
  font-weight: 400; color: var(--ldb-muted); white-space: nowrap; width: 1%; padding-right: 12px;
}
.ldb-fields td { overflow-wrap: anywhere; padding-right: 28px; }
.ldb-fields tr + tr th, .ldb-fields tr + tr td { border-top: 1px solid color-mix(in srgb, var(--ldb-border) 45%, transparent); }
.ldb-section { border-top: 1px solid var(--ldb-border); padding-top: 4px; }
.ldb-section > summary {
  cursor: pointer; font-weight: 600; padding: 2px 0; list-style: none; display: flex; align-items: center; gap: 6px;
  user-select: none;
}
.ldb-section > summary::-webkit-details-marker { display: none; }
/* A CSS chevron: crisp at any zoom, coloured by the theme. */
.ldb-section > summary::before, .ldb-tree-node > summary::before {
  content: ""; flex: none; width: 5px; height: 5px; margin: 0 3px 0 1px; border-right: 1.5px solid var(--ldb-muted);
  border-bottom: 1.5px solid var(--ldb-muted); transform: rotate(-45deg); transition: transform 0.1s;
}
.ldb-tree-node > summary::before { align-self: center; }
.ldb-section[open] > summary::before, .ldb-tree-node[open] > summary::before { transform: rotate(45deg); }
.ldb-section-count {
  font-weight: 400; font-size: 0.8em; color: var(--ldb-badge-fg); background: var(--ldb-badge-bg);
  border-radius: 8px; padding: 0 6px; line-height: 16px;
}
.ldb-section-body { padding: 4px 0 4px 16px; }
.ldb-tree { font-family: var(--ldb-mono); font-size: 0.92em; line-height: 20px; }
.ldb-tree-node > summary { cursor: pointer; list-style: none; display: flex; gap: 8px; align-items: baseline; }
.ldb-tree-node > summary::-webkit-details-marker { display: none; }
.ldb-tree-children { padding-left: 16px; border-left: 1px solid color-mix(in srgb, var(--ldb-border) 60%, transparent); margin-left: 4px; }
.ldb-tree-leaf { display: flex; gap: 8px; padding-left: 16px; }
.ldb-key { color: var(--vscode-symbolIcon-propertyForeground, var(--vscode-debugTokenExpression-name, #953800)); white-space: nowrap; }
.ldb-key::after { content: ":"; color: var(--ldb-muted); }
.ldb-tree-value { overflow-wrap: anywhere; white-space: pre-wrap; }
.ldb-tree-preview { color: var(--ldb-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.ldb-tree-node[open] > summary .ldb-tree-preview { display: none; }
.ldb-json-string { color: var(--vscode-debugTokenExpression-string, #0a3069); }
.ldb-json-number { color: var(--vscode-debugTokenExpression-number, #0550ae); }
.ldb-json-boolean { color: var(--vscode-debugTokenExpression-boolean, #8250df); }
.ldb-json-null { color: var(--ldb-muted); }
body.vscode-high-contrast .ldb-key, body.vscode-high-contrast .ldb-json-string, body.vscode-high-contrast .ldb-json-number,
body.vscode-high-contrast .ldb-json-boolean { color: var(--ldb-fg); }
.ldb-grid { border-collapse: collapse; font-size: 0.95em; min-width: 50%; }
.ldb-grid th { text-align: left; font-weight: 600; color: var(--ldb-muted); font-size: 0.85em; padding: 2px 14px 2px 0; border-bottom: 1px solid var(--ldb-border); }
.ldb-grid td { padding: 2px 14px 2px 0; vertical-align: top; overflow-wrap: anywhere; }
.ldb-grid tbody tr + tr td { border-top: 1px solid color-mix(in srgb, var(--ldb-border) 40%, transparent); }
.ldb-feature-dtype { font-family: var(--ldb-mono); font-size: 0.9em; }
.ldb-chip {
  display: inline-block; padding: 0 6px; margin: 1px 4px 1px 0; border-radius: 3px; line-height: 18px;
  background: var(--ldb-code-bg); border: 1px solid color-mix(in srgb, var(--ldb-border) 60%, transparent);
}
.ldb-artifacts, .ldb-blocks, .ldb-relations { display: flex; flex-direction: column; gap: 8px; }
.ldb-artifact-head, .ldb-block-head, .ldb-relation-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.ldb-artifact-role, .ldb-block-kind, .ldb-relation-name { font-weight: 600; }
.ldb-relation-registry { font-size: 0.85em; }
.ldb-preview, .ldb-block-content {
  margin: 4px 0 0 0; padding: 6px 8px; font-family: var(--ldb-mono); font-size: 0.9em; background: var(--ldb-code-bg);
  border-radius: 3px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 320px; overflow: auto;
}
.ldb-relation-list { list-style: none; margin: 2px 0 0 0; padding: 0; display: flex; flex-direction: column; gap: 1px; }
.ldb-relation-list li { display: flex; align-items: center; gap: 8px; min-height: 20px; }
.ldb-lineage-scroll { overflow: auto; max-height: 420px; max-width: 100%; }
.ldb-lineage { display: block; font-family: var(--ldb-font); }
.ldb-edge path { fill: none; stroke: var(--ldb-muted); stroke-width: 1.2; opacity: 0.75; }
.ldb-edge-recreated path, .ldb-edge-initiated path { stroke-dasharray: 4 3; }
.ldb-edge-label { font-size: 10px; fill: var(--ldb-muted); }
.ldb-arrow { fill: var(--ldb-muted); }
.ldb-node-box { fill: var(--ldb-sticky-bg); stroke: var(--ldb-border); stroke-width: 1; }
.ldb-node-input .ldb-node-box { stroke: color-mix(in srgb, var(--ldb-blue) 60%, var(--ldb-border)); }
.ldb-node-output .ldb-node-box { stroke: color-mix(in srgb, var(--ldb-green) 60%, var(--ldb-border)); }
.ldb-node-self .ldb-node-box { stroke: var(--ldb-focus); stroke-width: 2; fill: color-mix(in srgb, var(--ldb-focus) 9%, var(--ldb-sticky-bg)); }
.ldb-node-label { font-size: 12px; fill: var(--ldb-fg); font-weight: 600; }
.ldb-node-meta { font-size: 10.5px; fill: var(--ldb-muted); font-family: var(--ldb-mono); }
.ldb-node-status { fill: var(--ldb-status, var(--ldb-grey)); }
.ldb-node-link { cursor: pointer; }
.ldb-node-link:hover .ldb-node-box { fill: color-mix(in srgb, var(--ldb-hover) 100%, var(--ldb-sticky-bg)); stroke: var(--ldb-link); }
.ldb-node-link:focus { outline: none; }
.ldb-node-link:focus-visible .ldb-node-box { stroke: var(--ldb-focus); stroke-width: 2; }
.ldb-record-text { overflow-wrap: anywhere; }
`;
