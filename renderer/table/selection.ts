// Row selection in view order: click, shift-click (range from the anchor), ctrl/cmd-click (toggle),
// and keyboard moves. Rows are model row numbers so a selection survives sorting and filtering.

export class Selection {
  readonly rows = new Set<number>();
  anchor: number | null = null;
  /** The keyboard cursor, a model row number. */
  active: number | null = null;

  click(view: readonly number[], row: number, mods: { shift: boolean; toggle: boolean }): void {
    if (mods.shift && this.anchor !== null) {
      this.selectRange(view, this.anchor, row, mods.toggle);
    } else if (mods.toggle) {
      if (this.rows.has(row)) this.rows.delete(row);
      else this.rows.add(row);
      this.anchor = row;
    } else {
      this.rows.clear();
      this.rows.add(row);
      this.anchor = row;
    }
    this.active = row;
  }

  /** Moves the cursor by `delta` view positions; with shift the range from the anchor grows. */
  move(view: readonly number[], delta: number, extend: boolean): number | null {
    if (view.length === 0) return null;
    const current = this.active === null ? -1 : view.indexOf(this.active);
    const pos =
      current < 0
        ? delta >= 0
          ? 0
          : view.length - 1
        : Math.min(view.length - 1, Math.max(0, current + delta));
    const row = view[pos] as number;
    if (extend && this.anchor !== null) this.selectRange(view, this.anchor, row, false);
    else {
      this.rows.clear();
      this.rows.add(row);
      this.anchor = row;
    }
    this.active = row;
    return pos;
  }

  selectAll(view: readonly number[]): void {
    this.rows.clear();
    for (const row of view) this.rows.add(row);
  }

  clear(): void {
    this.rows.clear();
    this.anchor = null;
  }

  /** Selected rows in view order (what is copied). */
  inView(view: readonly number[]): number[] {
    return view.filter((row) => this.rows.has(row));
  }

  private selectRange(view: readonly number[], from: number, to: number, keep: boolean): void {
    const a = view.indexOf(from);
    const b = view.indexOf(to);
    if (!keep) this.rows.clear();
    if (a < 0 || b < 0) {
      this.rows.add(to);
      return;
    }
    for (let i = Math.min(a, b); i <= Math.max(a, b); i++) this.rows.add(view[i] as number);
  }
}
