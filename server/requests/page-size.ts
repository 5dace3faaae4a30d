import { InvalidArgument } from "../../db/index";

// How many items one page of a sidebar list may hold: what the client asked for, at most MAX_PAGE.
export const MAX_PAGE = 500;

export const pageSize = (n: number): number => Math.max(0, Math.min(MAX_PAGE, Math.floor(n)));

/**
 * A page request's offset and limit, checked before any query starts: a bad one is an InvalidArgument,
 * and no count() is left running (or rejecting unobserved) beside a page that could not be built.
 */
export function pageOf(p: { offset?: unknown; limit?: unknown }): { offset: number; limit: number } {
  if (typeof p !== "object" || p === null)
    throw new InvalidArgument("A page request takes { offset, limit }");
  if (typeof p.offset !== "number" || !Number.isSafeInteger(p.offset) || p.offset < 0)
    throw new InvalidArgument(
      `offset must be a non-negative integer, not ${JSON.stringify(p.offset) ?? "undefined"}`,
    );
  if (typeof p.limit !== "number" || !Number.isFinite(p.limit))
    throw new InvalidArgument(`limit must be a number, not ${JSON.stringify(p.limit) ?? "undefined"}`);
  return { offset: p.offset, limit: pageSize(p.limit) };
}
