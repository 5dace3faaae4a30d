// LaminDB's logger.warning: messages the Python client prints and goes on. A library cannot print,
// so they are Node process warnings of type "LaminDBWarning" (process.on("warning") sees them; the
// language server's stderr shows them).
export const LAMINDB_WARNING = "LaminDBWarning";

export function warn(message: string): void {
  process.emitWarning(message, { type: LAMINDB_WARNING });
}
