// The line of a cell's text output in which LaminDB's ln.track() names its run: forwarded with the cell's
// end (cellFinished.cell.trackOutput) so that the server adopts that run (docs/tracking.md). Only those
// lines leave the notebook; the rest of the output is never sent.

/** What track() prints: `→ created Transform(…), started new Run('<uid>') at …` or `re-started Run(…)`. */
const TRACK_LINE = /(?:started new|re-started) Run\('[A-Za-z0-9]{12,20}'\)/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** As the server accepts it (server/tracking/adoption.ts). */
const MAX = 4096;

/** The track() lines among a cell's text outputs (stdout, stderr, plain text), if any. */
export function trackOutputOf(texts: readonly string[]): string | undefined {
  const lines: string[] = [];
  let size = 0;
  for (const text of texts) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(ANSI, "").trim();
      if (!TRACK_LINE.test(line)) continue;
      const room = MAX - size - (lines.length ? 1 : 0);
      if (room <= 0) return lines.join("\n");
      const clipped = line.slice(0, room);
      lines.push(clipped);
      size += clipped.length + 1;
    }
  }
  return lines.length ? lines.join("\n") : undefined;
}

/** The output mime types whose text a kernel's print() lands in. */
export const TEXT_OUTPUT_MIMES: ReadonlySet<string> = new Set([
  "application/vnd.code.notebook.stdout",
  "application/vnd.code.notebook.stderr",
  "text/plain",
]);
