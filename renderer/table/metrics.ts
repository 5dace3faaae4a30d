// Fixed geometry the virtualiser and the stylesheet agree on (a row never measures itself).
export const ROW_HEIGHT = 24;
export const HEADER_HEIGHT = 28;
/** The scroll area's maximum height: a notebook output should not take the whole editor. */
export const VIEWPORT_MAX = 420;
export const DETAIL_LINE = 16;
export const DETAIL_MAX_LINES = 18;
/** Detail rows (expanded JSON): label + pre + padding. */
export const DETAIL_CHROME = 38;
