// Builds the server's initializationOptions: the one place a password is put next to its URL.
import * as vscode from "vscode";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { LaminInitializationOptions } from "../../server/protocol";
import type { Passwords } from "./secrets";
import { connectionSettings, defaultInstanceName, queryCellLimits } from "./index";
import { withPassword } from "./url";

export interface BuiltOptions {
  options: LaminInitializationOptions;
  /** The passwords in `options`, so logs can redact them. */
  secrets: string[];
  /** For messages: "embedded database" or host:port/db. */
  label: string;
}

export async function buildInitializationOptions(
  context: vscode.ExtensionContext,
  passwords: Passwords,
  trusted: boolean,
): Promise<BuiltOptions> {
  const { postgresUrl, instances, directUrl, readUrl, connections } = connectionSettings();
  const secrets: string[] = [];
  const resolve = async (url: string) => {
    const pw = await passwords.get(url);
    if (pw) secrets.push(pw);
    return withPassword(url, pw);
  };
  const resolvedInstances: Record<string, string> = {};
  for (const [name, url] of Object.entries(instances)) resolvedInstances[name] = await resolve(url);
  const name =
    Object.entries(instances).find(([, url]) => url === postgresUrl)?.[0] ?? defaultInstanceName(postgresUrl);
  // the server makes the folder (VS Code does not create global storage), unless the workspace is untrusted
  const dir = join(context.globalStorageUri.fsPath, "db");
  const database: LaminInitializationOptions["database"] = postgresUrl
    ? {
        kind: "postgres",
        name,
        url: await resolve(postgresUrl),
        ...(directUrl ? { directUrl: await resolve(directUrl) } : {}),
        ...(readUrl ? { readUrl: await resolve(readUrl) } : {}),
      }
    : { kind: "embedded", dir };
  return {
    options: {
      database,
      connections,
      user: { handle: userHandle() },
      instances: resolvedInstances,
      trusted,
      sessionId: vscode.env.sessionId,
      queryCells: queryCellLimits(),
    },
    secrets,
    label: postgresUrl ? `PostgreSQL instance "${name}"` : "the embedded database",
  };
}

function userHandle(): string {
  try {
    return userInfo().username || "vscode";
  } catch {
    return "vscode";
  }
}
