// describe()'s plain-text layout, after LaminDB's Rich tree (_describe.py): a header, a borderless
// two-column table of fields filled pairwise, then Params, Features and blocks as branches.
import type { Description, DescribeField, JsonValue } from "../shapes";
import { pyStr } from "../features/python-hash";

/** LaminDB prints datetimes as %Y-%m-%d %H:%M:%S %Z. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

export function formatValue(f: Pick<DescribeField, "value" | "dtype">): string {
  if (f.value === null || f.value === undefined) return "";
  if (f.dtype === "datetime" && typeof f.value === "string") return formatDateTime(f.value);
  if (typeof f.value === "string") return f.value;
  return JSON.stringify(f.value);
}

function pad(s: string, width: number): string {
  return s.length >= width ? s : s + " ".repeat(width - s.length);
}

function cut(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

/** A tree branch: children drawn with ├── / └── and continued with │ / spaces. */
function branch(lines: string[], children: string[][]): void {
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    child.forEach((line, j) =>
      lines.push(`${j === 0 ? (last ? "└── " : "├── ") : last ? "    " : "│   "}${line}`),
    );
  });
}

function paramLines(params: JsonValue): string[] {
  // LaminDB's describe() needs an object (params.items()); another value is shown as its one line
  if (params === null || typeof params !== "object" || Array.isArray(params)) return [`└── ${pyStr(params)}`];
  const entries = Object.entries(params);
  return entries.map(
    ([k, v], i) =>
      `${i === entries.length - 1 ? "└── " : "├── "}${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`,
  );
}

export function describeText(d: Omit<Description, "text">, cliArgs?: string | null): string {
  const lines = [d.title];
  const children: string[][] = [];
  if (d.fields.length > 0) {
    const cells = d.fields.map((f) => `${f.name}: ${formatValue(f)}`);
    const left = cells.filter((_, i) => i % 2 === 0);
    const width = Math.min(60, Math.max(...left.map((c) => c.length)) + 4);
    const table: string[] = [];
    for (let i = 0; i < cells.length; i += 2)
      table.push(`${pad(cells[i], width)}${cells[i + 1] ?? ""}`.trimEnd());
    children.push(table);
  }
  if (cliArgs) {
    const argLines = cliArgs
      .split("\n")
      .slice(0, 4)
      .map((l) => `│ ${cut(l, 80)}`);
    children.push(["cli_args:", ...argLines]);
  }
  for (const a of d.artifacts) {
    children.push([
      `${a.role}: ${a.ref.uid.slice(0, 7)}`,
      ...a.preview.slice(0, 4).map((l) => `│ ${cut(l, 80)}`),
    ]);
  }
  if (d.params !== null && (typeof d.params !== "object" || Object.keys(d.params).length > 0))
    children.push(["Params", ...paramLines(d.params)]);
  if (d.features.length > 0) {
    const rows = d.features.map((f) => [
      cut(f.name, 30),
      cut(f.dtype, 35),
      cut(typeof f.value === "string" ? f.value : JSON.stringify(f.value), 40),
    ]);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    const table = rows.map((r, i) =>
      `${i === 0 ? "└── " : "    "}${pad(r[0], w0)}  ${pad(r[1], w1)}  ${r[2]}`.trimEnd(),
    );
    children.push(["Features", ...table]);
  }
  for (const b of d.blocks) {
    children.push([
      `${b.kind === "readme" ? "README" : "Comment"}:`,
      ...b.content.split("\n").map((l) => `│ ${l}`),
    ]);
  }
  branch(lines, children);
  return lines.join("\n");
}
