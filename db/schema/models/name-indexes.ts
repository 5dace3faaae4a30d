import type { ExpressionIndex } from "../fields";

// Indexes that search() and completion need on a registry's name column: a trigram GIN index for
// contains / similarity, and a lower(name) pattern index for case-insensitive prefix matches.
export const nameSearchIndexes = (table: string, column = "name"): ExpressionIndex[] => [
  { name: `${table}_${column}_trgm`, expression: `${column} gin_trgm_ops`, using: "gin" },
  { name: `${table}_${column}_lower_prefix`, expression: `lower(${column}) text_pattern_ops` },
];
