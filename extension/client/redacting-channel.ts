// The language client's trace channel (`lamindb.trace.server`) logs initialize params, which carry the
// database URL with its password: every line goes through redact() first.
import type * as vscode from "vscode";
import { redact } from "../connections/url";

export function redactingChannel(
  inner: vscode.OutputChannel,
  secrets: () => readonly string[],
): vscode.OutputChannel {
  return {
    get name() {
      return inner.name;
    },
    append: (value: string) => inner.append(redact(value, secrets())),
    appendLine: (value: string) => inner.appendLine(redact(value, secrets())),
    replace: (value: string) => inner.replace(redact(value, secrets())),
    clear: () => inner.clear(),
    show: (...args: unknown[]) => (inner.show as (...a: unknown[]) => void)(...args),
    hide: () => inner.hide(),
    dispose: () => undefined, // owned by the extension, not by the client
  };
}
