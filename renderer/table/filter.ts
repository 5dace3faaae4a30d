// Case-insensitive substring filter over every cell's displayed text (and the raw ISO datetimes),
// with the per-row haystack built once, on the first query, and reused while typing.
import { displayText } from "../format/text";
import { cellValue, columnDType, type TableModel } from "./model";

export class RowFilter {
  private haystacks: string[] = [];
  private warmed = 0;

  constructor(private readonly model: TableModel) {}

  private haystack(row: number): string {
    let h = this.haystacks[row];
    if (h === undefined) {
      const parts: string[] = [];
      for (let c = -1; c < this.model.columns.length; c++) {
        const value = cellValue(this.model, row, c);
        const dtype = columnDType(this.model, c);
        parts.push(displayText(value, dtype));
        if (dtype === "datetime" && typeof value === "string") parts.push(value);
      }
      // \u0001 keeps a query from matching across two cells.
      h = parts.join("\u0001").toLowerCase();
      this.haystacks[row] = h;
    }
    return h;
  }

  /**
   * Builds haystacks ahead of the first query, in slices that stop when `timeLeft` runs out (idle
   * time after the first paint). Returns true when every row is done.
   */
  warm(timeLeft: () => number): boolean {
    const n = this.model.rows.length;
    while (this.warmed < n) {
      const end = Math.min(n, this.warmed + 500);
      for (let row = this.warmed; row < end; row++) this.haystack(row);
      this.warmed = end;
      if (timeLeft() <= 1) break;
    }
    return this.warmed >= n;
  }

  /** Keeps the rows of `order` that contain `query`; an empty query keeps all. */
  apply(order: number[], query: string): number[] {
    const q = query.trim().toLowerCase();
    if (!q) return order;
    return order.filter((row) => this.haystack(row).includes(q));
  }
}
