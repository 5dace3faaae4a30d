// How many items one page of a sidebar list may hold: what the client asked for, at most MAX_PAGE.
export const MAX_PAGE = 500;

export const pageSize = (n: number): number => Math.max(0, Math.min(MAX_PAGE, Math.floor(n)));
