// Debian packages the project needs on a fresh machine (Chromium, Python's Jupyter kernel, code-server's
// build dependencies), installed by the project's own scripts. apt-get waits for the dpkg lock (other
// processes may hold it), keeps its whole output in a log file, and a failure says why and where the log is.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

export function hasDebianPackage(name) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

/** Why apt-get failed, in a sentence, from its output. */
function reason(output) {
  if (/Could not get lock|Unable to acquire the dpkg frontend lock/.test(output))
    return "another process held the dpkg lock for 10 minutes";
  if (/are you root|Permission denied/.test(output)) return "apt-get needs root (run it with sudo)";
  if (/Unable to locate package|has no installation candidate/.test(output))
    return "a package is not in the configured Debian sources";
  if (/Temporary failure resolving|Could not resolve|Failed to fetch/.test(output))
    return "the Debian mirror could not be reached";
  if (/No space left on device/.test(output)) return "the disk is full";
  return "apt-get failed";
}

/**
 * Installs the missing ones of `packages` with apt-get (update first); returns those it installed.
 * `why` says what needs them, for the messages.
 */
export function aptInstall(packages, { why, logFile, log = console.log }) {
  const missing = packages.filter((p) => !hasDebianPackage(p));
  if (missing.length === 0) return [];
  if (spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      `${why} needs the Debian packages ${missing.join(", ")}, and apt-get is not available: install them by hand.`,
    );
  }
  mkdirSync(dirname(logFile), { recursive: true });
  log(`installing Debian packages for ${why}: ${missing.join(" ")} (log: ${logFile})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const lock = ["-o", "DPkg::Lock::Timeout=600"];
  for (const args of [
    [...lock, "update", "-qq"],
    [...lock, "install", "-y", "-qq", ...missing],
  ]) {
    const started = Date.now();
    const r = spawnSync("apt-get", args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
    const output = `${r.stdout ?? ""}\n${r.stderr ?? ""}`;
    appendFileSync(
      logFile,
      `$ apt-get ${args.join(" ")}\n${output}\n(exit ${r.status ?? r.signal}, ${Date.now() - started} ms)\n`,
    );
    if (r.status !== 0) {
      const tail = output.trim().split("\n").slice(-5).join("\n");
      throw new Error(
        `${why}: cannot install ${missing.join(", ")}: ${reason(output)} ` +
          `(apt-get ${args.includes("update") ? "update" : "install"} exited ${r.status ?? r.signal}).\n` +
          `${tail}\nFull log: ${logFile}`,
      );
    }
  }
  const still = missing.filter((p) => !hasDebianPackage(p));
  if (still.length)
    throw new Error(`${why}: apt-get ended but ${still.join(", ")} is not installed; log: ${logFile}`);
  return missing;
}
