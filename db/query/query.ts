// What a QuerySet asks for, as plain data (Django's Query): filters, scoping, order, annotations and
// slicing. QuerySet builds it (queryset.ts); the compiler turns it into SQL (compiler.ts).
import type { Relation } from "../schema/catalog";
import type { QNode } from "./q";
import type { Fragment } from "./sql";

/** Restricts a query to the records related to one owner record (a related manager). */
export interface Via {
  relation: Relation; // seen from the owner
  ownerId: number | string;
}

/** A computed column (search's score), written against the query's main alias. */
export interface Annotation {
  name: string;
  expr: (alias: string) => Fragment;
}

export interface Query {
  readonly filters: readonly QNode[];
  readonly excludes: readonly QNode[];
  /** Internal conditions (search's candidates), written against the main alias. */
  readonly raw: ReadonlyArray<(alias: string) => Fragment>;
  /** A filter() or exclude() call added LaminDB's default branch scoping (compile.ts callIsScoped). */
  readonly scoped: boolean;
  readonly via?: Via;
  /** Field or annotation names, "-" for descending. */
  readonly order: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly limit?: number;
  readonly offset?: number;
  readonly distinct: boolean;
  /** Its rows are read through Instance.preparedRows(): a statement sent again and again (search()). */
  readonly prepare?: boolean;
}

export const EMPTY_QUERY: Query = {
  filters: [],
  excludes: [],
  raw: [],
  scoped: false,
  order: [],
  annotations: [],
  distinct: false,
};
