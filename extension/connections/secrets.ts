// Passwords live in SecretStorage (the OS keychain), keyed by the URL without password.
import type * as vscode from "vscode";

const key = (url: string) => `lamindb.postgres.password:${url}`;

export class Passwords {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(url: string): Thenable<string | undefined> {
    return this.secrets.get(key(url));
  }

  async set(url: string, password: string | undefined): Promise<void> {
    if (password) await this.secrets.store(key(url), password);
    else await this.secrets.delete(key(url));
  }
}
