// The hostile query cells of issue 13, as test/server/query-cells.test.ts performs them against the
// real server: each one stopped, hung, crashed or read the language server while cells ran in a
// node:vm context inside it.

/** Reaches the cell's process and tries every way to its environment, the server's and a shell. */
export const ESCAPE = String.raw`
const out = [];
const p = this.constructor.constructor("return process")();
const req = (m) => (p.mainModule ? p.mainModule.require(m) : p.getBuiltinModule(m));
const attempt = async (label, fn) => {
  try {
    const v = await fn();
    out.push(label + ": " + (typeof v === "string" ? v : req("node:util").inspect(v, { depth: 6 })));
  } catch (e) {
    out.push(label + " failed: " + (e && e.message));
  }
};
await attempt("pid", () => String(p.pid));
await attempt("env", () => p.env);
await attempt("argv", () => [p.argv, p.execArgv]);
await attempt("own environ", () => req("node:fs").readFileSync("/proc/self/environ", "utf8"));
await attempt("parent environ", () => req("node:fs").readFileSync("/proc/" + p.ppid + "/environ", "utf8"));
await attempt("parent cmdline", () => req("node:fs").readFileSync("/proc/" + p.ppid + "/cmdline", "utf8"));
await attempt("shell", () => req("node:child_process").execSync("env; cat /proc/$PPID/environ", { encoding: "utf8" }));
await attempt("connected instance", () => ln.ULabel.connect("acme/other").resolveInstance());
await attempt("default instance", () => ln.ULabel.all().resolveInstance());
out.join("\n")
`;

/** A failing call nobody awaits, then a value. */
export const UNAWAITED_FAILURE = 'ln.ULabel.get("zzzzzzzz");\n"next"';

/** A rejected promise nobody handles. */
export const UNHANDLED_REJECTION = 'Promise.reject(new Error("nobody listens"));\n"after"';

/** A timer whose callback throws after the cell has finished. */
export const THROWING_TIMER = 'setTimeout(() => { throw new Error("from a timer"); }, 0);\n"queued"';

/** A loop that never yields, after the synchronous part of the cell. */
export const ENDLESS_LOOP = "await null;\nwhile (true) {}";

/** Allocates without end after an await. */
export const MEMORY_BOMB =
  "await null;\nconst keep = [];\nwhile (true) keep.push(new Array(100000).fill(Math.random()));";

/** Leaves a mark on the cell's process (to tell a restarted process from the old one). */
export const MARK_PROCESS = 'this.constructor.constructor("return process")().laminMark = "marked";\n"ok"';
export const READ_MARK = 'String(this.constructor.constructor("return process")().laminMark)';
