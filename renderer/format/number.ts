// Numbers as a data scientist expects from pandas: integers whole, floats to 6 significant decimals.

export function formatNumber(value: number, dtype: "int" | "float" | string): string {
  if (!Number.isFinite(value)) return String(value);
  if (dtype === "int" || Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-4)) return value.toExponential(4);
  // toFixed keeps six decimals like pandas, parseFloat drops the trailing zeros.
  return String(parseFloat(value.toFixed(6)));
}
