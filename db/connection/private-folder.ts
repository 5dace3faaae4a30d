// An embedded database folder is private to its owner, as PostgreSQL requires of a data folder:
// no access for group or others (folders 0700, files 0600). PGlite writes the files of a new database readable by everyone (0666,
// unpacked from its initdb image); PostgreSQL itself creates later files 0600. So this runs once
// each time a folder is opened, and changes only what is wider than it should be.
import { chmodSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Restricts `dir` and everything in it to its owner (POSIX; a no-op on Windows). */
export function makePrivate(dir: string): void {
  if (process.platform === "win32") return; // the user profile's ACLs already keep others out
  const uid = process.getuid?.();
  // PGlite widens what it unpacks for a new database, PG_VERSION among it; PostgreSQL makes its later
  // files 0600 itself. So a private folder with a private PG_VERSION needs no walk (each open saves one).
  try {
    const narrow = (p: string) => (lstatSync(p).mode & 0o077) === 0;
    if (narrow(dir) && narrow(join(dir, "PG_VERSION"))) return;
  } catch {
    // no PG_VERSION yet: walk
  }
  const walk = (path: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink() || st.uid !== uid) return; // not ours to change
    // keep the owner's bits, drop the group's and everyone's
    if ((st.mode & 0o077) !== 0) chmodSync(path, st.mode & 0o700);
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}
