// LaminDB's lookup() identifier rules (lamin_utils/_lookup.py): runs of characters outside
// [0-9a-zA-Z_] become one "_", lowercased; a non-letter start gets "ln_"; keywords get "_".
// Used until db/ exports lookupKey (query-api.ts prefers that one when present).
const PYTHON_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

export function localLookupKey(value: string): string {
  let key = value.replace(/[^0-9a-zA-Z_]+/g, "_").toLowerCase();
  if (!/^[a-zA-Z]/.test(key)) key = `ln_${key}`;
  if (PYTHON_KEYWORDS.has(key)) key = `${key}_`;
  return key;
}
