// The tracker's rules against every row of ../shared/reference/jupyter-execution.md: each test feeds the
// summaries VS Code reports for the Jupyter extension's calls in that scenario (S = {order, success, timing}).
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { type ExecutionEvent, NotebookExecutions } from "../../../extension/tracking/executions";

// The settle and grace times run on a virtual clock (setTimeout and Date): "40 ms later, before the
// 80 ms grace" then holds however slow the machine is.
beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"] }));
afterEach(() => mock.timers.reset());
const sleep = async (ms: number) => mock.timers.tick(ms);
/** Moves the clock on in 5 ms steps until `cond` holds, for at most `ms`. */
async function until(cond: () => boolean, ms = 3000) {
  for (let t = 0; !cond() && t < ms; t += 5) mock.timers.tick(5);
}

function tracker(queuedGraceMs = 20, settleMs = 10) {
  const events: ExecutionEvent[] = [];
  const ex = new NotebookExecutions<string>({ emit: (e) => events.push(e), settleMs, queuedGraceMs });
  const types = () => events.map((e) => ("cell" in e ? `${e.type}:${e.cell.index}` : e.type));
  return { ex, events, types };
}

type Ex = NotebookExecutions<string>;
const cleared = (ex: Ex, key: string, index: number) => ex.update(key, { index });

/** A cell's turn: start(t) (another cleared summary), then the order from execute_input and again after. */
function start(ex: Ex, key: string, index: number, order: number) {
  cleared(ex, key, index); // start(t1): the start time alone is not in the summary
  ex.update(key, { index, executionOrder: order }); // execute_input
  ex.update(key, { index, executionOrder: order }); // execute_result / execute_reply: the same again
}
function end(ex: Ex, key: string, index: number, order: number, success: boolean, t1: number, t2: number) {
  ex.update(key, { index, executionOrder: order, success, timing: { startTime: t1, endTime: t2 } });
}
/** One cell executed by the Jupyter extension, from the UI (queued first). */
function cell(ex: Ex, key: string, index: number, order: number, success: boolean, t1: number) {
  cleared(ex, key, index);
  start(ex, key, index, order);
  end(ex, key, index, order, success, t1, t1 + 5);
}

describe("NotebookExecutions (the Jupyter extension's sequences)", () => {
  it("normal cell: started when the order shows, finished with the exact timing, then executionIdle", async () => {
    const { ex, events, types } = tracker();
    cell(ex, "a", 0, 1, true, 1000);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0"]);
    assert.deepEqual(events[1], {
      type: "cellFinished",
      cell: { index: 0, executionOrder: 1, startTime: 1000, endTime: 1005, success: true },
    });
    assert.equal(ex.busy, true);
    await until(() => types().length > 2);
    assert.deepEqual(types().slice(2), ["executionIdle"]);
    assert.equal(ex.busy, false);
  });

  it("Run All: queued cells keep the notebook busy between cells, however long the batch", async () => {
    const { ex, types } = tracker(150);
    for (const [i, k] of ["a", "b", "c"].entries()) cleared(ex, k, i); // all queued at once
    start(ex, "a", 0, 1);
    await sleep(200); // longer than the grace counted from the queueing
    end(ex, "a", 0, 1, true, 1, 2);
    await sleep(60); // the next cell's start comes a while after (a loaded machine)
    assert.ok(!types().includes("executionIdle"), `no idle between cells: ${types().join(", ")}`);
    start(ex, "b", 1, 2);
    end(ex, "b", 1, 2, true, 3, 4);
    start(ex, "c", 2, 3);
    end(ex, "c", 2, 3, true, 5, 6);
    await until(() => types().includes("executionIdle"));
    assert.deepEqual(types(), [
      "cellStarted:0",
      "cellFinished:0",
      "cellStarted:1",
      "cellFinished:1",
      "cellStarted:2",
      "cellFinished:2",
      "executionIdle",
    ]);
  });

  it("exception: the run ends at once as failed; the cells Jupyter cancels after it do not hold it", async () => {
    const { ex, events, types } = tracker(60_000);
    for (const [i, k] of ["a", "b", "c", "d"].entries()) cleared(ex, k, i);
    cell(ex, "a", 0, 1, true, 0);
    start(ex, "b", 1, 2);
    end(ex, "b", 1, 2, false, 10, 20);
    cleared(ex, "c", 2); // end(undefined) without start: one more cleared summary each
    cleared(ex, "d", 3);
    const t0 = Date.now();
    await until(() => types().includes("executionIdle"));
    assert.ok(Date.now() - t0 < 2000, "idle comes after the settle delay, not after the queued grace");
    assert.deepEqual(types(), [
      "cellStarted:0",
      "cellFinished:0",
      "cellStarted:1",
      "cellFinished:1",
      "executionIdle",
    ]);
    const failed = events[3];
    assert.ok(failed.type === "cellFinished" && failed.cell.success === false);
    // running the notebook again afterwards: the cells are queued and run as usual
    cleared(ex, "c", 2);
    cell(ex, "c", 2, 3, true, 30);
    assert.deepEqual(types().slice(-2), ["cellStarted:2", "cellFinished:2"]);
    ex.dispose();
  });

  it("interrupt: queued cells end first, the running one fails with KeyboardInterrupt: errored, promptly", async () => {
    const { ex, types } = tracker(60_000);
    for (const [i, k] of ["a", "b", "c"].entries()) cleared(ex, k, i);
    start(ex, "a", 0, 1);
    cleared(ex, "b", 1); // cancelled before the interrupt reached the kernel
    cleared(ex, "c", 2);
    end(ex, "a", 0, 1, false, 0, 50);
    await until(() => types().includes("executionIdle"));
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "executionIdle"]);
  });

  it("restart while a cell runs (kernel API): restarted at once; the old kernel's leftovers are ignored", async () => {
    const { ex, types } = tracker();
    for (const [i, k] of ["a", "b", "c"].entries()) cleared(ex, k, i);
    start(ex, "a", 0, 1);
    ex.kernelStopped(); // status "restarting"
    assert.deepEqual(types(), ["cellStarted:0", "kernelRestarted"]);
    ex.update("a", { index: 0, executionOrder: 1 }); // end(undefined) without a time: unchanged
    cleared(ex, "b", 1); // queued cells end(undefined)
    cleared(ex, "c", 2);
    ex.kernelStopped(); // "autorestarting" after "restarting": nothing more to end
    await sleep(50);
    assert.deepEqual(types(), ["cellStarted:0", "kernelRestarted"]);
    // Run All again on the new kernel: the first cell gets order 1 again, as it had
    for (const [i, k] of ["a", "b", "c"].entries()) cleared(ex, k, i);
    start(ex, "a", 0, 1);
    const seenStart = Date.now();
    end(ex, "a", 0, 1, true, seenStart - 2, seenStart + 5);
    cell(ex, "b", 1, 2, true, seenStart + 10);
    await until(() => types().includes("executionIdle"));
    assert.deepEqual(types().slice(2), [
      "cellStarted:0", // a start that looked like the old one, reported with its end
      "cellFinished:0",
      "cellStarted:1",
      "cellFinished:1",
      "executionIdle",
    ]);
  });

  it("restart while a cell runs (no kernel API): the order back to 1 reveals it at the next execution", async () => {
    const { ex, types, events } = tracker();
    cell(ex, "a", 0, 1, true, 0);
    start(ex, "b", 1, 2); // running; then restarted: end(undefined) without a time shows nothing
    await sleep(40);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "cellStarted:1"]);
    cleared(ex, "a", 0);
    start(ex, "a", 0, 1); // order 1 again, as this cell had: an old execution shown again, or a new kernel?
    assert.equal(types().length, 3, "undecided until its end");
    const t = Date.now();
    end(ex, "a", 0, 1, true, t, t + 5); // a start after its last end: a new execution
    assert.deepEqual(types().slice(3), ["kernelRestarted", "cellStarted:0", "cellFinished:0"]);
    assert.deepEqual(events[4], { type: "cellStarted", cell: { index: 0, executionOrder: 1, startTime: t } });
    ex.dispose();
  });

  it("a cell never run before, with order 1 after later cells ran, is a restart at once", () => {
    const { ex, types } = tracker();
    ex.update("a", { index: 0, executionOrder: 3 });
    ex.update("b", { index: 1, executionOrder: 1 });
    assert.deepEqual(types(), ["cellStarted:0", "kernelRestarted", "cellStarted:1"]);
    ex.dispose();
  });

  it("kernel death (kernel API): restarted; the failed request and the crash monitor's message add nothing", async () => {
    const { ex, types } = tracker();
    for (const [i, k] of ["a", "b"].entries()) cleared(ex, k, i);
    start(ex, "a", 0, 1);
    const t1 = Date.now();
    await sleep(5);
    ex.kernelStopped(); // "restarting", then "autorestarting"
    end(ex, "a", 0, 1, false, t1, Date.now()); // the request fails: error output, end(false, now)
    cleared(ex, "b", 1); // the rest cancelled
    // the crash monitor: a new execution on the last cell: start(prevStart), order=prev, message, end(undefined, prevEnd)
    cleared(ex, "a", 0);
    ex.update("a", { index: 0, executionOrder: 1 });
    ex.update("a", { index: 0, executionOrder: 1, timing: { startTime: t1, endTime: t1 + 1 } });
    await sleep(50);
    assert.deepEqual(types(), ["cellStarted:0", "kernelRestarted"]);
  });

  it("kernel death (no kernel API): the failed cell ends the run as failed; the crash monitor's message adds nothing", async () => {
    const { ex, types } = tracker();
    cleared(ex, "a", 0);
    start(ex, "a", 0, 4);
    end(ex, "a", 0, 4, false, 100, 200);
    cleared(ex, "a", 0);
    ex.update("a", { index: 0, executionOrder: 4 });
    ex.update("a", { index: 0, executionOrder: 4, timing: { startTime: 100, endTime: 200 } });
    await until(() => types().includes("executionIdle"));
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "executionIdle"]);
  });

  it("empty and raw cells are never sent: their cleared summaries do not hold the notebook busy", async () => {
    const { ex, types } = tracker(60_000);
    cleared(ex, "a", 0);
    ex.update("empty", { index: 1 }, { runs: false });
    ex.update("raw", { index: 2 }, { runs: false });
    cell(ex, "a", 0, 1, true, 0);
    for (let i = 0; i < 3; i++) ex.update("empty", { index: 1 }, { runs: false }); // start(), order=undefined, end(undefined)
    for (let i = 0; i < 2; i++) ex.update("raw", { index: 2 }, { runs: false }); // start(), end(undefined)
    const t0 = Date.now();
    await until(() => types().includes("executionIdle"));
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "executionIdle"]);
  });

  it("late output: a temporary execution restoring order and success (timing lost) is not a new execution", async () => {
    const { ex, types } = tracker();
    cell(ex, "a", 0, 1, true, 0);
    await until(() => types().includes("executionIdle"));
    cleared(ex, "a", 0); // the temporary execution: clear, start()
    ex.update("a", { index: 0, executionOrder: 1 }); // order = prev
    ex.update("a", { index: 0, executionOrder: 1, success: true }); // end(prevSuccess, prevEnd): no start time
    await sleep(50);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "executionIdle"]);
  });

  it("a finish without a seen start gets a synthetic cellStarted with the real start time", () => {
    const { ex, events } = tracker();
    ex.update("a", { index: 0, success: true, timing: { startTime: 5, endTime: 9 } });
    assert.deepEqual(events.slice(0, 2), [
      { type: "cellStarted", cell: { index: 0, executionOrder: undefined, startTime: 5 } },
      {
        type: "cellFinished",
        cell: { index: 0, executionOrder: undefined, startTime: 5, endTime: 9, success: true },
      },
    ]);
    ex.dispose();
  });

  it("repeated summaries (metadata edits) do not create events", () => {
    const { ex, types } = tracker();
    cell(ex, "a", 0, 1, true, 0);
    end(ex, "a", 0, 1, true, 0, 5);
    end(ex, "a", 0, 1, true, 0, 5);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0"]);
    ex.dispose();
  });

  it("a controller that ends a cell with a time but no success: recorded as cancelled, the run stays open", async () => {
    const { ex, events, types } = tracker();
    cell(ex, "a", 0, 1, true, 0);
    cleared(ex, "b", 1);
    ex.update("b", { index: 1, executionOrder: 2 });
    ex.update("b", { index: 1, executionOrder: 2, timing: { startTime: 10, endTime: 20 } });
    assert.deepEqual(events.at(-1), {
      type: "cellCancelled",
      cell: { index: 1, executionOrder: 2, startTime: 10, endTime: 20 },
    });
    await sleep(50);
    assert.ok(!types().includes("executionIdle"), "a cancelled batch does not complete");
    ex.dispose();
  });

  it("a queued cell that never starts (outputs cleared) keeps the notebook busy only for the grace period", async () => {
    const { ex, types } = tracker(80);
    cell(ex, "a", 0, 1, true, 0);
    cleared(ex, "b", 1);
    await sleep(40);
    assert.ok(!types().includes("executionIdle"));
    await until(() => types().at(-1) === "executionIdle");
    assert.equal(types().at(-1), "executionIdle");
  });
});
