// The table view: a virtualised <table> (only the rows in view, plus a little overscan, are in the DOM)
// driven by @tanstack/virtual-core, with sorting, filtering, selection, copy and "load more".
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from "@tanstack/virtual-core";
import type { DataFrame } from "../../db/shapes";
import { append, clear, el } from "../dom/el";
import type { RendererHost } from "../host";
import { copyText, toDelimited, type CopyFormat } from "./clipboard";
import { estimateWidths } from "./columns";
import { RowFilter } from "./filter";
import { buildFooter, fmtCount, type Footer } from "./footer";
import { buildHeader, type Header } from "./header";
import { LoadMoreChannel, canLoadMore } from "./load-more";
import { HEADER_HEIGHT, ROW_HEIGHT, VIEWPORT_MAX } from "./metrics";
import { appendFrame, cellValue, type TableModel } from "./model";
import { buildRow, detailHeight, isExpandable } from "./rows";
import { Selection } from "./selection";
import { nextSort, sortRows, type SortState } from "./sort";
import { buildToolbar, type Toolbar } from "./toolbar";

/** What survives a re-render of the same output (kept with RendererContext.setState). */
export interface TableViewState {
  sort: SortState | null;
  query: string;
}

export interface TableOptions {
  initial?: TableViewState;
  onStateChange?(state: TableViewState): void;
}

export interface LastCopy {
  format: CopyFormat;
  rows: number;
  text: string;
}

let instances = 0;

export class TableView {
  readonly root: HTMLDivElement;
  private readonly doc: Document;
  private readonly idPrefix: string;
  private readonly toolbar: Toolbar;
  private readonly footer: Footer;
  private readonly header: Header;
  private readonly scroller: HTMLDivElement;
  private readonly table: HTMLTableElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly topSpacer: HTMLTableRowElement;
  private readonly bottomSpacer: HTMLTableRowElement;
  private readonly virtualizer: Virtualizer<HTMLDivElement, HTMLTableRowElement>;
  private readonly cleanupVirtualizer: () => void;
  private readonly loadMore: LoadMoreChannel | null;
  private filter: RowFilter;
  private sort: SortState | null = null;
  private query = "";
  private order: number[] = [];
  /** Model row numbers in display order (sorted, then filtered). */
  private view: number[] = [];
  private readonly selection = new Selection();
  /** Expanded JSON cell per model row (one per row keeps row heights simple). */
  private readonly expanded = new Map<number, number>();
  private readonly expandedHeight = new Map<number, number>();
  /** Rendered rows by model row; reused while scrolling so a frame only builds the rows that came into view. */
  private rowCache = new Map<number, HTMLTableRowElement[]>();
  private lastCopyValue: LastCopy | null = null;
  /** Counts copies, so a slow clipboard write does not overwrite the status of a later copy. */
  private copies = 0;
  private empty: HTMLDivElement | null = null;

  constructor(
    element: HTMLElement,
    private readonly model: TableModel,
    host: RendererHost,
    label: string,
    private readonly options: TableOptions = {},
  ) {
    this.doc = element.ownerDocument;
    this.idPrefix = `ldb-t${++instances}`;
    const doc = this.doc;
    this.root = el(doc, "div", "ldb-root ldb-table-root", null, { role: "region", "aria-label": label });
    this.toolbar = buildToolbar(doc, model.registry, {
      onFilter: (q) => this.setQuery(q),
      onCopy: (which, format) => void this.copy(which, format),
    });
    this.header = buildHeader(doc, model, estimateWidths(model), (column) =>
      this.setSort(nextSort(this.sort, column)),
    );
    this.table = el(doc, "table", "ldb-table", null, {
      role: "grid",
      tabindex: 0,
      "aria-label": label,
      "aria-multiselectable": "true",
      "aria-colcount": model.columns.length + 1,
    });
    const colgroup = el(doc, "colgroup");
    append(colgroup, ...this.header.colgroup);
    this.tbody = el(doc, "tbody");
    this.topSpacer = this.spacer();
    this.bottomSpacer = this.spacer();
    append(this.table, colgroup, this.header.thead, this.tbody);
    this.scroller = el(doc, "div", "ldb-scroller");
    this.scroller.appendChild(this.table);
    this.footer = buildFooter(doc, () => this.requestMore());
    append(this.root, this.toolbar.root, this.scroller, this.footer.root);

    this.loadMore = canLoadMore(host)
      ? new LoadMoreChannel(
          host,
          (frame) => this.appendPage(frame),
          (message) => this.loadFailed(message),
        )
      : null;

    this.filter = new RowFilter(model);
    const initial = options.initial;
    if (initial?.sort && initial.sort.column < model.columns.length) this.sort = initial.sort;
    this.query = initial?.query ?? "";
    this.toolbar.filter.value = this.query;
    this.header.update(this.sort);
    this.order = sortRows(model, this.sort);
    this.view = this.filter.apply(this.order, this.query);

    this.virtualizer = new Virtualizer<HTMLDivElement, HTMLTableRowElement>({
      count: this.view.length,
      getScrollElement: () => this.scroller,
      estimateSize: (pos) => ROW_HEIGHT + (this.expandedHeight.get(this.view[pos] ?? -1) ?? 0),
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      overscan: 6,
      // Rows start below the sticky header inside the same scroll container.
      scrollMargin: HEADER_HEIGHT,
      initialRect: { width: 800, height: VIEWPORT_MAX },
      onChange: () => this.renderRows(),
    });

    this.table.addEventListener("click", (e) => this.onClick(e));
    this.table.addEventListener("keydown", (e) => this.onKey(e));
    this.table.addEventListener("copy", (e) => {
      // Ctrl/Cmd+C inside the grid copies rows, not whatever text happens to be selected.
      if (this.doc.getSelection()?.toString()) return;
      e.preventDefault();
      void this.copy(this.selection.rows.size ? "selection" : "all", "tsv");
    });

    clear(element);
    element.appendChild(this.root);
    this.cleanupVirtualizer = this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.renderRows();
    this.updateFooter();
    this.scheduleWarmUp();
  }

  private warmHandle: number | null = null;

  /** Large tables prepare their filter index in idle time, so the first keystroke does not wait for it. */
  private scheduleWarmUp(): void {
    const win = this.doc.defaultView;
    if (!win || this.model.rows.length < 5_000 || typeof win.requestIdleCallback !== "function") return;
    const step = (deadline: IdleDeadline): void => {
      this.warmHandle = this.filter.warm(() => deadline.timeRemaining())
        ? null
        : win.requestIdleCallback(step);
    };
    this.warmHandle = win.requestIdleCallback(step);
  }

  dispose(): void {
    if (this.warmHandle !== null) this.doc.defaultView?.cancelIdleCallback(this.warmHandle);
    this.cleanupVirtualizer();
    this.loadMore?.dispose();
    this.rowCache.clear();
    this.root.remove();
  }

  get lastCopy(): LastCopy | null {
    return this.lastCopyValue;
  }

  /** Model rows in display order; for tests and for the detail panel. */
  get viewRows(): readonly number[] {
    return this.view;
  }

  private spacer(): HTMLTableRowElement {
    const tr = el(this.doc, "tr", "ldb-spacer-row", null, { "aria-hidden": "true" });
    tr.appendChild(el(this.doc, "td", "", null, { colspan: this.model.columns.length + 2 }));
    return tr;
  }

  // ---- view pipeline -------------------------------------------------------------------------------

  private setSort(sort: SortState | null): void {
    this.sort = sort;
    this.header.update(sort);
    this.order = sortRows(this.model, sort);
    this.refreshView(false);
    this.options.onStateChange?.({ sort: this.sort, query: this.query });
  }

  private setQuery(query: string): void {
    if (query === this.query) return;
    this.query = query;
    this.refreshView(true);
    this.options.onStateChange?.({ sort: this.sort, query: this.query });
  }

  private refreshView(toTop: boolean): void {
    this.view = this.filter.apply(this.order, this.query);
    this.rowCache.clear();
    this.virtualizer.setOptions({ ...this.virtualizer.options, count: this.view.length });
    this.virtualizer.measure();
    if (toTop) this.scroller.scrollTop = 0;
    this.renderRows();
    this.updateFooter();
  }

  private appendPage(frame: DataFrame): void {
    const added = appendFrame(this.model, frame);
    if (this.warmHandle !== null) this.doc.defaultView?.cancelIdleCallback(this.warmHandle);
    this.filter = new RowFilter(this.model);
    this.scheduleWarmUp();
    this.order = sortRows(this.model, this.sort);
    this.footer.loadMore.textContent = "Load more";
    this.footer.error.textContent = "";
    this.root.setAttribute("data-last-load", String(added));
    this.refreshView(false);
  }

  private loadFailed(message: string): void {
    this.footer.error.textContent = message;
    this.footer.loadMore.textContent = "Load more";
    this.updateFooter();
  }

  private requestMore(): void {
    const next = this.model.next;
    if (!this.loadMore || !next || this.loadMore.busy) return;
    this.footer.error.textContent = "";
    if (this.loadMore.request(next.token, next.offset)) {
      this.footer.loadMore.textContent = "Loading…";
      this.footer.loadMore.disabled = true;
    }
  }

  // ---- drawing -------------------------------------------------------------------------------------

  private renderRows(): void {
    const items = this.virtualizer.getVirtualItems();
    const rows: HTMLTableRowElement[] = [this.topSpacer];
    const cache = new Map<number, HTMLTableRowElement[]>();
    for (const item of items) {
      const row = this.view[item.index];
      if (row === undefined) continue;
      let trs = this.rowCache.get(row);
      if (!trs) trs = buildRow(this.doc, this.model, row, item.index, this.idPrefix, this.expanded.get(row));
      const tr = trs[0] as HTMLTableRowElement;
      tr.setAttribute("aria-rowindex", String(item.index + 2));
      this.paintSelection(tr, row);
      cache.set(row, trs);
      rows.push(...trs);
    }
    this.rowCache = cache;
    rows.push(this.bottomSpacer);
    const first = items[0];
    const last = items[items.length - 1];
    const top = first ? first.start - HEADER_HEIGHT : 0;
    const bottom = last ? this.virtualizer.getTotalSize() - (last.end - HEADER_HEIGHT) : 0;
    this.setSpacer(this.topSpacer, top);
    this.setSpacer(this.bottomSpacer, bottom);
    this.tbody.replaceChildren(...rows);
    this.table.setAttribute("aria-rowcount", String(this.view.length + 1));
    this.renderEmpty();
  }

  private setSpacer(tr: HTMLTableRowElement, height: number): void {
    const td = tr.firstElementChild as HTMLTableCellElement;
    const h = `${Math.max(0, height)}px`;
    if (td.style.height !== h) td.style.height = h;
    tr.hidden = height <= 0;
  }

  private renderEmpty(): void {
    const isEmpty = this.view.length === 0;
    if (isEmpty && !this.empty) {
      const text = this.model.rows.length === 0 ? "No rows." : `No rows match “${this.query.trim()}”.`;
      this.empty = el(this.doc, "div", "ldb-empty", text);
      this.scroller.appendChild(this.empty);
    } else if (this.empty) {
      if (isEmpty)
        this.empty.textContent =
          this.model.rows.length === 0 ? "No rows." : `No rows match “${this.query.trim()}”.`;
      else {
        this.empty.remove();
        this.empty = null;
      }
    }
  }

  private paintSelection(tr: HTMLTableRowElement, row: number): void {
    const selected = this.selection.rows.has(row);
    tr.classList.toggle("ldb-selected", selected);
    tr.setAttribute("aria-selected", selected ? "true" : "false");
    tr.classList.toggle("ldb-active", this.selection.active === row);
  }

  private selectionChanged(): void {
    for (const [row, trs] of this.rowCache) this.paintSelection(trs[0] as HTMLTableRowElement, row);
    const active = this.selection.active;
    if (active !== null && this.rowCache.has(active))
      this.table.setAttribute("aria-activedescendant", `${this.idPrefix}-r${active}`);
    else this.table.removeAttribute("aria-activedescendant");
    this.updateFooter();
  }

  private updateFooter(): void {
    const loaded = this.model.rows.length;
    const total = Math.max(this.model.total, loaded);
    // a lower bound reads "10,000+": the server stopped counting there (db/query/dataframe.ts)
    const base = `${fmtCount(loaded)} of ${fmtCount(total)}${this.model.totalExact ? "" : "+"} rows`;
    this.footer.count.textContent = this.query.trim()
      ? `${fmtCount(this.view.length)} matching · ${base}`
      : base;
    const selected = this.selection.rows.size;
    this.footer.selection.textContent = selected ? `· ${fmtCount(selected)} selected` : "";
    this.toolbar.copySelection.disabled = selected === 0;

    const more = this.model.truncated && (loaded < total || !this.model.totalExact);
    const canFetch = more && this.loadMore !== null && this.model.next !== null;
    this.footer.loadMore.hidden = !canFetch;
    this.footer.loadMore.disabled = !canFetch || (this.loadMore?.busy ?? false);
    this.footer.note.hidden = !more || canFetch;
    if (more && !canFetch) {
      this.footer.note.textContent =
        `Showing the first ${fmtCount(loaded)} rows. To see more, open this notebook in VS Code with the ` +
        `LaminDB extension, or raise limit in to_dataframe(limit=…).`;
    }
  }

  // ---- interaction ---------------------------------------------------------------------------------

  private onClick(e: MouseEvent): void {
    const target = e.target as Element | null;
    const toggle = target?.closest<HTMLButtonElement>("button[data-json-col]");
    const tr = target?.closest<HTMLTableRowElement>("tr[data-row]");
    if (!tr) return;
    const row = Number(tr.getAttribute("data-row"));
    if (toggle) {
      this.toggleJson(row, Number(toggle.getAttribute("data-json-col")));
      return;
    }
    if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
    this.selection.click(this.view, row, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    this.selectionChanged();
    this.table.focus({ preventScroll: true });
  }

  toggleJson(row: number, column: number): void {
    if (!isExpandable(cellValue(this.model, row, column))) return;
    if (this.expanded.get(row) === column) {
      this.expanded.delete(row);
      this.expandedHeight.delete(row);
    } else {
      this.expanded.set(row, column);
      this.expandedHeight.set(row, detailHeight(cellValue(this.model, row, column)));
    }
    this.rowCache.delete(row);
    this.virtualizer.measure();
    this.renderRows();
  }

  private onKey(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    const page = Math.max(1, Math.floor((this.scroller.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    let delta: number;
    switch (e.key) {
      case "ArrowDown":
        delta = 1;
        break;
      case "ArrowUp":
        delta = -1;
        break;
      case "PageDown":
        delta = page;
        break;
      case "PageUp":
        delta = -page;
        break;
      case "Home":
        delta = -this.view.length;
        break;
      case "End":
        delta = this.view.length;
        break;
      case "a":
      case "A":
        if (!mod) return;
        this.selection.selectAll(this.view);
        this.selectionChanged();
        e.preventDefault();
        return;
      case "c":
      case "C":
        if (!mod || this.doc.getSelection()?.toString()) return;
        void this.copy(this.selection.rows.size ? "selection" : "all", "tsv");
        e.preventDefault();
        return;
      case "Escape":
        this.selection.clear();
        this.selectionChanged();
        return;
      case "Enter":
      case " ": {
        // Enter/Space on the active row expands its first JSON cell.
        const active = this.selection.active;
        if (active === null) return;
        const col = this.model.columns.findIndex((_, c) => isExpandable(cellValue(this.model, active, c)));
        if (col >= 0) {
          this.toggleJson(active, this.expanded.has(active) ? (this.expanded.get(active) as number) : col);
          e.preventDefault();
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    const pos = this.selection.move(this.view, delta, e.shiftKey);
    if (pos === null) return;
    this.scrollIntoView(pos);
    this.selectionChanged();
  }

  /** Keeps view position `pos` between the sticky header and the bottom edge. */
  private scrollIntoView(pos: number): void {
    // Item offsets include the scroll margin, i.e. they are positions inside the scroll content.
    const start = this.virtualizer.measurementsCache[pos]?.start ?? HEADER_HEIGHT + pos * ROW_HEIGHT;
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight;
    if (start - HEADER_HEIGHT < top) this.scroller.scrollTop = start - HEADER_HEIGHT;
    else if (start + ROW_HEIGHT > top + height) this.scroller.scrollTop = start + ROW_HEIGHT - height;
    this.renderRows();
  }

  private async copy(which: "selection" | "all", format: CopyFormat): Promise<void> {
    const rows = which === "selection" ? this.selection.inView(this.view) : this.view;
    const text = toDelimited(this.model, rows, format);
    this.lastCopyValue = { format, rows: rows.length, text };
    this.root.setAttribute("data-last-copy-format", format);
    this.root.setAttribute("data-last-copy-rows", String(rows.length));
    const copy = ++this.copies;
    this.toolbar.status.textContent = "";
    const ok = await copyText(this.doc, text);
    if (copy !== this.copies) return;
    this.toolbar.status.textContent = ok
      ? `Copied ${fmtCount(rows.length)} row${rows.length === 1 ? "" : "s"} as ${format.toUpperCase()}`
      : "Copy failed: the clipboard is not available here";
  }
}
