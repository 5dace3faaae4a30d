// "Connect to PostgreSQL..." and "Switch instance": the URL goes to user settings, the password to
// SecretStorage. Saving the settings restarts the server (see main.ts); a password-only change asks for it.
import * as vscode from "vscode";
import { connectionSettings, setActivePostgres, setDirectUrlSetting, setReadUrlSetting } from "./settings";
import type { Passwords } from "./secrets";
import { defaultInstanceName, describeUrl, isPostgresUrl, splitPassword } from "./url";

export async function connectPostgres(passwords: Passwords, restart: () => Promise<void>): Promise<boolean> {
  const entered = await vscode.window.showInputBox({
    title: "LaminDB: Connect to PostgreSQL",
    prompt:
      "PostgreSQL URL, e.g. postgresql://user@db.example.org:5432/lamindb (a password in it goes to SecretStorage, not settings)",
    placeHolder: "postgresql://user@host:5432/database",
    ignoreFocusOut: true,
    validateInput: (v) =>
      isPostgresUrl(v) ? undefined : "Enter a postgres:// or postgresql:// URL with a host",
  });
  if (!entered) return false;
  const { url, password: inUrl } = splitPassword(entered);
  const password =
    inUrl ??
    (await vscode.window.showInputBox({
      title: `Password for ${describeUrl(url)}`,
      prompt: "Stored in VS Code's SecretStorage. Leave empty when the server needs none.",
      password: true,
      ignoreFocusOut: true,
    }));
  if (password === undefined) return false;
  const name = await vscode.window.showInputBox({
    title: "Instance name",
    prompt: "A name for this instance (for Switch instance and Registry.connect in query cells)",
    value: defaultInstanceName(url),
    ignoreFocusOut: true,
  });
  if (!name) return false;
  await passwords.set(url, password || undefined);
  const unchanged = connectionSettings().postgresUrl === url;
  await setActivePostgres(url, name);
  if (unchanged) await restart(); // same URL: the settings did not change, the password may have
  return true;
}

interface InstancePick extends vscode.QuickPickItem {
  url?: string;
  connectNew?: boolean;
}

export async function switchInstance(passwords: Passwords, restart: () => Promise<void>): Promise<void> {
  const { postgresUrl, instances } = connectionSettings();
  const items: InstancePick[] = [
    {
      label: "$(database) Embedded",
      description: "PGlite in VS Code's global storage",
      url: "",
      picked: !postgresUrl,
    },
    ...Object.entries(instances).map(([name, url]) => ({
      label: `$(server) ${name}`,
      description: describeUrl(url),
      detail: url === postgresUrl ? "active" : undefined,
      url,
    })),
    { label: "$(add) Connect to PostgreSQL...", connectNew: true },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: "LaminDB: Switch instance",
    placeHolder: "Where runs are stored",
  });
  if (!pick) return;
  if (pick.connectNew) {
    await connectPostgres(passwords, restart);
    return;
  }
  if (pick.url === postgresUrl) return;
  await setActivePostgres(pick.url ?? "");
}

/**
 * "Set direct PostgreSQL URL...": beside a pooler's URL, a direct one to the same server that only
 * LISTEN uses (a transaction-mode pooler cannot pass it). Empty: none, the window polls instead.
 */
export function setDirectUrl(passwords: Passwords, restart: () => Promise<void>): Promise<boolean> {
  return setSideUrl(passwords, restart, {
    title: "LaminDB: Direct PostgreSQL URL for change notifications",
    prompt:
      "A URL that reaches the server without the pooler, used only for LISTEN (a password in it goes to SecretStorage). Empty: none.",
    placeHolder: "postgresql://user@db-direct.example.org:5432/database",
    current: () => connectionSettings().directUrl,
    save: setDirectUrlSetting,
  });
}

/**
 * "Set read replica URL...": a streaming replica of the same database that reads go to (writes,
 * tracking and LISTEN stay on the primary). Empty: none, everything on the primary.
 */
export function setReadUrl(passwords: Passwords, restart: () => Promise<void>): Promise<boolean> {
  return setSideUrl(passwords, restart, {
    title: "LaminDB: Read replica URL",
    prompt:
      "A streaming replica of the same database; completions, the sidebar and describe read from it (a password in it goes to SecretStorage). Empty: none.",
    placeHolder: "postgresql://user@db-replica.example.org:5432/database",
    current: () => connectionSettings().readUrl,
    save: setReadUrlSetting,
  });
}

interface SideUrl {
  title: string;
  prompt: string;
  placeHolder: string;
  current(): string;
  save(url: string): Promise<void>;
}

// A second URL beside the main one: its password to SecretStorage keyed by the URL, the URL without
// it to the setting (which restarts the server; an unchanged setting does not, so restart then).
async function setSideUrl(
  passwords: Passwords,
  restart: () => Promise<void>,
  side: SideUrl,
): Promise<boolean> {
  const entered = await vscode.window.showInputBox({
    title: side.title,
    prompt: side.prompt,
    placeHolder: side.placeHolder,
    value: side.current(),
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.trim() || isPostgresUrl(v) ? undefined : "Enter a postgres:// or postgresql:// URL with a host",
  });
  if (entered === undefined) return false;
  if (!entered.trim()) {
    await side.save("");
    return true;
  }
  const { url, password } = splitPassword(entered);
  if (password !== undefined) await passwords.set(url, password || undefined);
  const unchanged = side.current() === url;
  await side.save(url);
  if (unchanged) await restart();
  return true;
}
