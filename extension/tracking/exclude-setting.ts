// `lamindb.tracking.exclude`, read where tracking uses it: in the tracking bundle (scripts/build.mjs), so
// that picomatch is neither loaded nor parsed when the extension activates.
import * as vscode from "vscode";
import { Settings } from "../commands/ids";
import { ExcludeSetting } from "./glob";

// Validated on every read (cheap: compiled patterns are cached); each invalid pattern is told once.
const exclude = new ExcludeSetting((message) => {
  void vscode.window.showWarningMessage(`LaminDB: ${message}`, "Open Settings").then((pick) => {
    if (pick)
      void vscode.commands.executeCommand(
        "workbench.action.openSettings",
        `${Settings.section}.${Settings.trackingExclude}`,
      );
  });
});

/** The exclude globs; an invalid one matches nothing (and was warned about once). */
export function trackingExclude(): string[] {
  return exclude.read(
    vscode.workspace.getConfiguration(Settings.section).get<unknown>(Settings.trackingExclude, []),
  );
}
