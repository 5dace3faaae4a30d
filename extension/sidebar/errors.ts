// What a tree shows when the server cannot answer: one line, the server's message as tooltip; the
// sidebar then asks again a little later. A database that is still opening (the embedded one creates
// LaminDB's tables on first use, which takes a while on a busy machine) or reconnecting is said as such,
// not as a failure.
import { LAMIN_ERROR_CODES } from "../../server/protocol";
import type { TreeNode } from "./nodes";

export type OnTreeError = () => void;

export function errorNode(e: unknown, onError?: OnTreeError): TreeNode {
  onError?.();
  const message = e instanceof Error ? e.message : String(e);
  const waiting = (e as { code?: unknown } | undefined)?.code === LAMIN_ERROR_CODES.databaseUnavailable;
  return {
    kind: "message",
    text: waiting ? "Waiting for the database…" : "Cannot list: the LaminDB server did not answer",
    detail: message,
    ...(waiting ? { waiting } : {}),
  };
}
