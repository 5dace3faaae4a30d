// Shared look: VS Code's theme variables (with fallbacks for a plain browser or another notebook host),
// so light, dark and high-contrast themes all follow the editor. Every selector is prefixed `ldb-`.

export const THEME_CSS = `
.ldb-root {
  --ldb-fg: var(--vscode-editor-foreground, #1f2328);
  --ldb-bg: var(--vscode-editor-background, #ffffff);
  --ldb-muted: var(--vscode-descriptionForeground, #656d76);
  --ldb-border: var(--vscode-editorWidget-border, var(--vscode-panel-border, rgba(128, 128, 128, 0.35)));
  --ldb-strong-border: var(--vscode-contrastBorder, var(--ldb-border));
  --ldb-hover: var(--vscode-list-hoverBackground, rgba(128, 128, 128, 0.1));
  --ldb-selected: var(--vscode-list-inactiveSelectionBackground, rgba(0, 120, 212, 0.14));
  --ldb-selected-fg: var(--vscode-list-inactiveSelectionForeground, inherit);
  --ldb-focus: var(--vscode-focusBorder, #0078d4);
  --ldb-link: var(--vscode-textLink-foreground, #0969da);
  --ldb-link-active: var(--vscode-textLink-activeForeground, var(--ldb-link));
  --ldb-header-bg: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-sideBar-background, rgba(128, 128, 128, 0.08)));
  --ldb-sticky-bg: var(--vscode-editor-background, #ffffff);
  --ldb-badge-bg: var(--vscode-badge-background, #e6e8eb);
  --ldb-badge-fg: var(--vscode-badge-foreground, #1f2328);
  --ldb-code-bg: var(--vscode-textCodeBlock-background, rgba(128, 128, 128, 0.1));
  --ldb-input-bg: var(--vscode-input-background, #ffffff);
  --ldb-input-fg: var(--vscode-input-foreground, var(--ldb-fg));
  --ldb-input-border: var(--vscode-input-border, var(--ldb-border));
  --ldb-button-bg: var(--vscode-button-secondaryBackground, rgba(128, 128, 128, 0.16));
  --ldb-button-fg: var(--vscode-button-secondaryForeground, var(--ldb-fg));
  --ldb-button-hover: var(--vscode-button-secondaryHoverBackground, rgba(128, 128, 128, 0.26));
  --ldb-green: var(--vscode-charts-green, #1a7f37);
  --ldb-red: var(--vscode-charts-red, #cf222e);
  --ldb-yellow: var(--vscode-charts-yellow, #9a6700);
  --ldb-blue: var(--vscode-charts-blue, #0969da);
  --ldb-orange: var(--vscode-charts-orange, #bc4c00);
  --ldb-grey: var(--vscode-disabledForeground, #8c959f);
  --ldb-warn-bg: var(--vscode-inputValidation-warningBackground, rgba(210, 153, 34, 0.14));
  --ldb-warn-border: var(--vscode-inputValidation-warningBorder, #d29922);
  --ldb-error-fg: var(--vscode-errorForeground, #cf222e);
  --ldb-font: var(--vscode-font-family, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif);
  --ldb-mono: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  --ldb-size: var(--vscode-font-size, 13px);
  color: var(--ldb-fg);
  font-family: var(--ldb-font);
  font-size: var(--ldb-size);
  line-height: 1.4;
  box-sizing: border-box;
}
.ldb-root *, .ldb-root *::before, .ldb-root *::after { box-sizing: border-box; }
.ldb-root :focus-visible { outline: 1px solid var(--ldb-focus); outline-offset: -1px; }
.ldb-offscreen { position: fixed; left: -9999px; top: 0; opacity: 0; }
.ldb-uid { font-family: var(--ldb-mono); font-size: 0.95em; }
.ldb-null { color: var(--ldb-muted); opacity: 0.7; }
.ldb-num { font-variant-numeric: tabular-nums; }
.ldb-bool-true { color: var(--ldb-green); }
.ldb-bool-false { color: var(--ldb-muted); }
.ldb-datetime { font-variant-numeric: tabular-nums; white-space: nowrap; }
.ldb-json-preview { font-family: var(--ldb-mono); font-size: 0.92em; }
.ldb-json-size { color: var(--ldb-muted); font-size: 0.85em; margin-left: 6px; }
.ldb-pill {
  display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 0.85em; line-height: 18px;
  background: var(--ldb-badge-bg); color: var(--ldb-badge-fg); white-space: nowrap;
  border: 1px solid var(--vscode-contrastBorder, transparent);
}
.ldb-badge.ldb-status {
  display: inline-flex; align-items: center; gap: 5px; padding: 0 7px; border-radius: 9px;
  line-height: 17px; font-size: 0.85em; white-space: nowrap; color: var(--ldb-fg);
  border: 1px solid color-mix(in srgb, var(--ldb-status, var(--ldb-grey)) 55%, transparent);
  background: color-mix(in srgb, var(--ldb-status, var(--ldb-grey)) 16%, transparent);
}
.ldb-status-dot { width: 7px; height: 7px; border-radius: 50%; background: var(--ldb-status, var(--ldb-grey)); flex: none; }
.ldb-status-completed { --ldb-status: var(--ldb-green); }
.ldb-status-errored { --ldb-status: var(--ldb-red); }
.ldb-status-started, .ldb-status-restarted { --ldb-status: var(--ldb-blue); }
.ldb-status-aborted { --ldb-status: var(--ldb-orange); }
.ldb-status-scheduled, .ldb-status-unknown { --ldb-status: var(--ldb-grey); }
.ldb-button {
  font: inherit; font-size: 0.92em; color: var(--ldb-button-fg); background: var(--ldb-button-bg);
  border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 2px 9px;
  cursor: pointer; white-space: nowrap; line-height: 18px;
}
.ldb-button:hover:not(:disabled) { background: var(--ldb-button-hover); }
.ldb-button:disabled { opacity: 0.5; cursor: default; }
.ldb-button.ldb-primary {
  background: var(--vscode-button-background, #0078d4); color: var(--vscode-button-foreground, #ffffff);
}
.ldb-button.ldb-primary:hover:not(:disabled) { background: var(--vscode-button-hoverBackground, #026ec1); }
.ldb-link {
  color: var(--ldb-link); text-decoration: none; cursor: pointer; background: none; border: 0; padding: 0; font: inherit;
}
.ldb-link:hover { color: var(--ldb-link-active); text-decoration: underline; }
.ldb-muted { color: var(--ldb-muted); }
.ldb-error { color: var(--ldb-error-fg); }
.ldb-render-error { padding: 6px 8px; border-left: 3px solid var(--ldb-red); color: var(--ldb-fg); }
`;
