// The Runs explorer's page: a one-line monaco editor (a tiny "lamin-query" language, completions asked
// of the extension, which asks the language server; parser errors as markers) over the table renderer.
// Only monaco's editor core plus suggest and hover are bundled, no language services or workers.
import * as monaco from "monaco-editor/esm/vs/editor/editor.api.js";
import "monaco-editor/esm/vs/editor/contrib/suggest/browser/suggestController.js";
import "monaco-editor/esm/vs/editor/contrib/hover/browser/hoverContribution.js";
import "monaco-editor/esm/vs/editor/contrib/placeholderText/browser/placeholderText.contribution.js";
import type { DataFrame, JsonValue } from "../../db/shapes";
import type { QueryError } from "../../server/protocol";
import type { ExplorerCompletion, ExplorerFromWebview, ExplorerToWebview } from "../panels/messages";
import { injectCss, PAGE_CSS, rendererUrl, text, vscodeApi } from "./vscode-api";

type TableModule = typeof import("../../renderer/table-renderer");

const LANGUAGE = "lamin-query";
const post = (m: ExplorerFromWebview) => vscodeApi.postMessage(m);

// monaco wants a worker for optional services; one that never answers keeps everything in this page
(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new Worker(URL.createObjectURL(new Blob([""], { type: "text/javascript" }))),
};

const CSS = `
.lamin-query-row { display: flex; gap: 8px; align-items: center; margin: 10px 0 4px; }
.lamin-editor { flex: 1; height: 24px; border: 1px solid var(--vscode-input-border, var(--vscode-editorWidget-border, #8884));
  background: var(--vscode-input-background); padding: 2px 4px; }
.lamin-editor.lamin-invalid { border-color: var(--vscode-inputValidation-errorBorder, #be1100); }
#lamin-results { margin-top: 8px; }
`;

function registerLanguage(): void {
  monaco.languages.register({ id: LANGUAGE });
  monaco.languages.setMonarchTokensProvider(LANGUAGE, {
    tokenizer: {
      root: [
        [/\b(True|False|None)\b/, "keyword"],
        [/\b(ln|lamindb)\b/, "namespace"],
        [/\b[A-Z][A-Za-z0-9_]*\b/, "type"],
        [/\b[a-z_][A-Za-z0-9_]*(?=\s*\()/, "function"],
        [/\b[a-z_][A-Za-z0-9_]*(?=\s*=)/, "variable.parameter"],
        [/-?\d+(\.\d+)?([eE][+-]?\d+)?/, "number"],
        [/"([^"\\]|\\.)*"?/, "string"],
        [/'([^'\\]|\\.)*'?/, "string"],
      ],
    },
  });
}

const KIND_NAMES = [
  "",
  "Text",
  "Method",
  "Function",
  "Constructor",
  "Field",
  "Variable",
  "Class",
  "Interface",
  "Module",
  "Property",
  "Unit",
  "Value",
  "Enum",
  "Keyword",
  "Snippet",
  "Color",
  "File",
  "Reference",
  "Folder",
  "EnumMember",
  "Constant",
  "Struct",
  "Event",
  "Operator",
  "TypeParameter",
] as const;

function monacoKind(lspKind: number | undefined): monaco.languages.CompletionItemKind {
  const name = KIND_NAMES[lspKind ?? 0] || "Text";
  const kinds = monaco.languages.CompletionItemKind as unknown as Record<
    string,
    monaco.languages.CompletionItemKind
  >;
  return kinds[name] ?? monaco.languages.CompletionItemKind.Text;
}

async function main(): Promise<void> {
  injectCss("page", PAGE_CSS);
  injectCss("explorer", CSS);
  const table = (await import(/* @vite-ignore */ rendererUrl())) as TableModule;
  const root = document.getElementById("root")!;
  const row = text("div", "lamin-query-row", "");
  const editorEl = text("div", "lamin-editor", "");
  editorEl.setAttribute("aria-label", "LaminDB query");
  const runButton = text("button", "lamin-button", "Run");
  runButton.title = "Run the query (Enter)";
  row.append(editorEl, runButton);
  const status = text("div", "lamin-status", "");
  status.setAttribute("role", "status");
  const results = text("div", "", "");
  results.id = "lamin-results";
  root.append(row, status, results);

  registerLanguage();
  const dark = document.body.classList.contains("vscode-dark");
  const hc = document.body.classList.contains("vscode-high-contrast");
  const style = getComputedStyle(document.body);
  const editor = monaco.editor.create(editorEl, {
    value: document.body.dataset.query ?? "",
    language: LANGUAGE,
    theme: hc ? "hc-black" : dark ? "vs-dark" : "vs",
    placeholder: 'Run.filter(status="errored").to_dataframe()',
    fontFamily: style.getPropertyValue("--vscode-editor-font-family") || "monospace",
    fontSize: 13,
    lineHeight: 20,
    minimap: { enabled: false },
    lineNumbers: "off",
    glyphMargin: false,
    folding: false,
    lineDecorationsWidth: 0,
    lineNumbersMinChars: 0,
    renderLineHighlight: "none",
    overviewRulerLanes: 0,
    hideCursorInOverviewRuler: true,
    overviewRulerBorder: false,
    scrollBeyondLastLine: false,
    scrollbar: { vertical: "hidden", horizontal: "hidden", alwaysConsumeMouseWheel: false },
    wordWrap: "off",
    contextmenu: false,
    links: false,
    occurrencesHighlight: "off",
    unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false },
    wordBasedSuggestions: "off",
    quickSuggestions: { other: true, strings: true, comments: false },
    suggestOnTriggerCharacters: true,
    fixedOverflowWidgets: true,
    automaticLayout: true,
    ariaLabel: "LaminDB query",
  });
  const model = editor.getModel()!;

  // one line: pasted or typed newlines are removed
  editor.onDidChangeModelContent(() => {
    const value = model.getValue();
    if (/[\r\n]/.test(value)) model.setValue(value.replace(/[\r\n]+/g, " "));
    scheduleMarkers();
  });

  // the line is read by the language server (the extension passes it on); only the newest answer counts
  let markerTimer: ReturnType<typeof setTimeout> | undefined;
  let parseId = 0;
  const checkLine = () => post({ type: "parse", requestId: ++parseId, text: model.getValue() });
  const scheduleMarkers = () => {
    clearTimeout(markerTimer);
    markerTimer = setTimeout(checkLine, 150);
  };
  const setMarkers = (problem?: Partial<QueryError> & { message: string }) => {
    const value = model.getValue();
    const markers: monaco.editor.IMarkerData[] = [];
    if (problem) {
      const start = problem.start ?? 0;
      const end = Math.max(problem.end ?? value.length, start + 1);
      markers.push({
        severity: monaco.MarkerSeverity.Error,
        message: problem.message,
        startLineNumber: 1,
        startColumn: start + 1,
        endLineNumber: 1,
        endColumn: end + 1,
      });
    }
    monaco.editor.setModelMarkers(model, "lamindb", markers);
    editorEl.classList.toggle("lamin-invalid", markers.length > 0);
    if (problem) status.replaceChildren(text("span", "lamin-error", problem.message));
  };

  // completions: the extension asks the language server with the line as `ln.<query>`
  let nextId = 1;
  const waiting = new Map<number, (items: ExplorerCompletion[]) => void>();
  monaco.languages.registerCompletionItemProvider(LANGUAGE, {
    triggerCharacters: [".", "(", ",", "=", '"', "'", "_"],
    provideCompletionItems: async (m, position) => {
      const requestId = nextId++;
      const items = await new Promise<ExplorerCompletion[]>((resolve) => {
        waiting.set(requestId, resolve);
        setTimeout(() => waiting.get(requestId)?.([]), 5000);
        post({ type: "complete", requestId, text: m.getValue(), offset: position.column - 1 });
      });
      waiting.delete(requestId);
      return {
        suggestions: items.map((i) => ({
          label: i.label,
          kind: monacoKind(i.kind),
          detail: i.detail,
          documentation: i.documentation,
          insertText: i.insertText,
          sortText: i.sortText,
          filterText: i.filterText,
          range: new monaco.Range(1, i.start + 1, 1, i.end + 1),
        })),
        incomplete: true,
      };
    },
  });

  // the extension reads the line first: a line it cannot read comes back as a queryError with its place
  const run = () => {
    clearTimeout(markerTimer);
    parseId++; // an answer to an earlier check must not undo what the run reports
    status.replaceChildren(text("span", "", "Running…"));
    post({ type: "run", text: model.getValue() });
  };
  editor.addCommand(monaco.KeyCode.Enter, run, "!suggestWidgetVisible");
  runButton.addEventListener("click", run);

  // results: the table renderer; a plain click on a row describes that record
  let handle: { dispose(): void } | undefined;
  let frame: DataFrame | undefined;
  let index: JsonValue[] = [];
  const host = table.hostFromWebview(vscodeApi, window);
  results.addEventListener("click", (e) => {
    if (e.shiftKey || e.ctrlKey || e.metaKey || !frame?.registry) return;
    const target = e.target as HTMLElement;
    if (target.closest("button, a, input, .ldb-json-toggle")) return;
    const tr = target.closest("tr.ldb-row");
    const rowIndex = Number(tr?.getAttribute("data-row"));
    const key = index[rowIndex];
    if (!tr || key === undefined || key === null) return;
    const byUid = frame.index.name === "uid";
    post({
      type: "openRecord",
      ref: {
        registry: frame.registry,
        id: byUid ? Number.NaN : Number(key),
        uid: byUid ? String(key) : "",
        label: String(key),
      },
    });
  });

  window.addEventListener(
    "message",
    (event: MessageEvent<ExplorerToWebview | { type: "rows"; frame: DataFrame }>) => {
      const m = event.data;
      switch (m?.type) {
        case "frame":
          handle?.dispose();
          results.replaceChildren();
          frame = m.frame;
          index = [...m.frame.index.values];
          setMarkers();
          status.replaceChildren(
            text(
              "span",
              "",
              // "10,000+": the server's count stopped there (a lower bound, docs/renderers.md)
              `${m.frame.total.toLocaleString()}${m.frame.totalExact === false ? "+" : ""} ${m.frame.registry ?? ""} record(s) match`,
            ),
          );
          handle = table.renderTable(results, m.frame, host);
          return;
        case "rows":
          // "Load more" answers also reach the table through its host; keep the index for row clicks
          index.push(...m.frame.index.values);
          return;
        case "queryError":
          setMarkers({ message: m.message, start: m.start, end: m.end });
          return;
        case "parsed":
          if (m.requestId !== parseId) return;
          setMarkers(m.result.ok ? undefined : m.result.error);
          if (m.result.ok) status.replaceChildren();
          return;
        case "completions":
          waiting.get(m.requestId)?.(m.items);
          return;
        case "setQuery":
          model.setValue(m.text);
          if (m.run) run();
          return;
      }
    },
  );
  post({ type: "ready" });
  checkLine();
}

void main();
