// What a tree shows when the server cannot answer (not started yet, the database still opening or
// gone): one line, the message as tooltip; the sidebar then asks again a little later.
import type { TreeNode } from "./nodes";

export type OnTreeError = () => void;

export function errorNode(e: unknown, onError?: OnTreeError): TreeNode {
  onError?.();
  const message = e instanceof Error ? e.message : String(e);
  return { kind: "message", text: "Cannot list: the LaminDB server did not answer", detail: message };
}
