// PostgreSQL URL handling without vscode: the password never goes to settings, logs or argv.

export interface SplitUrl {
  /** The URL with the password removed: what settings store and what keys the secret. */
  url: string;
  password?: string;
}

export function isPostgresUrl(text: string): boolean {
  try {
    const u = new URL(text.trim());
    return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}

export function splitPassword(text: string): SplitUrl {
  const u = new URL(text.trim());
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = "";
  return password === undefined ? { url: u.toString() } : { url: u.toString(), password };
}

export function withPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** host:port/database, for messages and the instance picker. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** A name for an instance from its URL: the database name, else the host. */
export function defaultInstanceName(url: string): string {
  try {
    const u = new URL(url);
    return decodeURIComponent(u.pathname.replace(/^\//, "")) || u.hostname;
  } catch {
    return "postgres";
  }
}

/** Replaces every occurrence of the given secrets (raw and URL-encoded) with ***. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  return out;
}
