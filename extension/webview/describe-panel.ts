// The describe panel's page: loads the describe renderer module and draws each description the
// extension sends; record links go back to the extension (same panel), as does "Open notebook".
import type { DescribeFromWebview, DescribeToWebview } from "../panels/messages";
import { injectCss, PAGE_CSS, rendererUrl, text, vscodeApi } from "./vscode-api";

type DescribeModule = typeof import("../../renderer/describe-renderer");

const post = (m: DescribeFromWebview) => vscodeApi.postMessage(m);

async function main(): Promise<void> {
  const mod = (await import(/* @vite-ignore */ rendererUrl())) as DescribeModule;
  injectCss("page", PAGE_CSS);
  const root = document.getElementById("root")!;
  const bar = text("div", "lamin-toolbar", "");
  const content = document.createElement("div");
  root.append(bar, content);
  const host = mod.hostFromWebview(vscodeApi, window);
  let handle: { dispose(): void } | undefined;
  window.addEventListener("message", (event: MessageEvent<DescribeToWebview>) => {
    const m = event.data;
    if (m?.type === "show") {
      handle?.dispose();
      content.replaceChildren();
      bar.replaceChildren();
      if (m.notebook) {
        const button = text("button", "lamin-button", `Open notebook ${m.notebook}`);
        button.addEventListener("click", () => post({ type: "openNotebook" }));
        bar.append(button);
      }
      handle = mod.renderDescription(content, m.description, host);
      window.scrollTo(0, 0);
    } else if (m?.type === "describeError") {
      bar.replaceChildren(text("div", "lamin-error", m.message));
    }
  });
  post({ type: "ready" });
}

void main();
