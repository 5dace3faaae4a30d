// Typed wrappers over the lamin/* protocol (server/protocol.ts is the contract).
import type { LanguageClient } from "vscode-languageclient/node";
import type {
  LaminClientNotification,
  LaminClientNotifications,
  LaminMethod,
  LaminNotification,
  LaminNotifications,
  Params,
  Result,
} from "../../server/protocol";

type RequestSender = Pick<LanguageClient, "sendRequest" | "onNotification">;
type NotificationSender = Pick<LanguageClient, "sendNotification">;

export function request<M extends LaminMethod>(
  client: RequestSender,
  method: M,
  params: Params<M>,
): Promise<Result<M>> {
  return client.sendRequest<Result<M>>(method, params);
}

export function onNotification<N extends LaminNotification>(
  client: RequestSender,
  name: N,
  handler: (params: LaminNotifications[N]) => void,
): { dispose(): void } {
  return client.onNotification(name, handler as (params: unknown) => void);
}

export function sendNotification<N extends LaminClientNotification>(
  client: NotificationSender,
  name: N,
  params: LaminClientNotifications[N],
): Promise<void> {
  return client.sendNotification(name, params);
}
