// Server lines reach the LaminDB log at their own level, whichever way they arrive.
import assert from "node:assert/strict";
import { test } from "node:test";
import type * as vscode from "vscode";
import { levelledChannel } from "../../../extension/client/levelled-channel";

function recorder() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  const log = {
    name: "LaminDB",
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    trace: at("trace"),
  } as unknown as vscode.LogOutputChannel;
  return { lines, channel: levelledChannel(log) };
}

test("window/logMessage lines keep their level and lose the client's prefix", () => {
  const { lines, channel } = recorder();
  channel.appendLine("[Error - 10:02:03 AM] Cannot open the database postgres://u:***@h/db");
  channel.appendLine("[Warn  - 10:02:04 AM] Lost the database connection; reconnecting");
  channel.appendLine("[Info  - 10:02:05 AM] Connected to h/db");
  channel.appendLine("[Debug - 10:02:06 AM] 3 statements");
  assert.deepEqual(lines, [
    "error: Cannot open the database postgres://u:***@h/db",
    "warn: Lost the database connection; reconnecting",
    "info: Connected to h/db",
    "debug: 3 statements",
  ]);
});

test("stderr arrives in chunks: each whole line is logged once, at the level the server wrote", () => {
  const { lines, channel } = recorder();
  channel.append("[lamin-server warn] slow ");
  channel.append("holder\n[lamin-server error] gone\nnode: a plain li");
  assert.deepEqual(lines, ["warn: slow holder", "error: gone"]);
  channel.append("ne\n\n");
  assert.deepEqual(lines, ["warn: slow holder", "error: gone", "info: node: a plain line"]);
});
