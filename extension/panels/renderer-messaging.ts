// The host side of the notebook renderers' messaging (requiresMessaging: "optional"): a record link in a
// notebook output opens the describe panel; a table's "Load more" is answered through lamin/loadMore.
import * as vscode from "vscode";
import type { ExtensionToRendererMessage, RendererMessage } from "../../db/shapes";
import type { LaminServer } from "../client/server";
import { Disposable } from "../util/disposable";
import { targetOfRef, type DescribePanel } from "./describe-panel";

export const RENDERER_IDS = ["lamindb-describe", "lamindb-table"] as const;

function isRendererMessage(m: unknown): m is RendererMessage {
  if (typeof m !== "object" || m === null) return false;
  const r = m as Partial<Record<string, unknown>>;
  if (r.type === "openRecord") return typeof r.ref === "object" && r.ref !== null;
  return r.type === "loadMore" && typeof r.token === "string" && typeof r.requestId === "string";
}

export class RendererMessaging extends Disposable {
  constructor(server: Pick<LaminServer, "request">, describe: DescribePanel, log: vscode.LogOutputChannel) {
    super();
    for (const id of RENDERER_IDS) {
      const messaging = vscode.notebooks.createRendererMessaging(id);
      const reply = (m: ExtensionToRendererMessage, editor: vscode.NotebookEditor) =>
        void messaging.postMessage(m, editor);
      this.track(
        messaging.onDidReceiveMessage(async ({ editor, message }) => {
          if (!isRendererMessage(message)) return;
          if (message.type === "openRecord") {
            try {
              await describe.show(targetOfRef(message.ref));
            } catch (e) {
              log.warn(`openRecord: ${e instanceof Error ? e.message : String(e)}`);
              void vscode.window.showErrorMessage(`LaminDB: ${e instanceof Error ? e.message : String(e)}`);
            }
            return;
          }
          try {
            const frame = await server.request("lamin/loadMore", {
              token: message.token,
              offset: message.offset,
            });
            reply({ type: "rows", requestId: message.requestId, frame }, editor);
          } catch (e) {
            reply(
              {
                type: "error",
                requestId: message.requestId,
                message: e instanceof Error ? e.message : String(e),
              },
              editor,
            );
          }
        }),
      );
    }
  }
}
