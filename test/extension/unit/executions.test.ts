import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ExecutionEvent, NotebookExecutions } from "../../../extension/tracking/executions";

const settle = () => new Promise((r) => setTimeout(r, 40));
async function until(cond: () => boolean) {
  const end = Date.now() + 2000;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

function tracker(queuedGraceMs = 20) {
  const events: ExecutionEvent[] = [];
  const ex = new NotebookExecutions<string>({ emit: (e) => events.push(e), settleMs: 10, queuedGraceMs });
  const types = () => events.map((e) => ("cell" in e ? `${e.type}:${e.cell.index}` : e.type));
  return { ex, events, types };
}

/** What VS Code reports for one cell executed by a Jupyter-like controller. */
function run(
  ex: NotebookExecutions<string>,
  key: string,
  index: number,
  order: number,
  success: boolean,
  t0: number,
) {
  ex.update(key, { index }); // queued: summary cleared
  ex.update(key, { index, executionOrder: order }); // running
  ex.update(key, { index, executionOrder: order, success, timing: { startTime: t0, endTime: t0 + 5 } });
}

describe("NotebookExecutions", () => {
  it("a batch of cells: started/finished per cell, then one executionIdle after the settle delay", async () => {
    const { ex, events, types } = tracker();
    ex.update("a", { index: 0 });
    ex.update("b", { index: 1 });
    run(ex, "a", 0, 1, true, 1000);
    run(ex, "b", 1, 2, true, 1010);
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0", "cellStarted:1", "cellFinished:1"]);
    const fin = events[3];
    assert.ok(fin.type === "cellFinished");
    assert.deepEqual(fin.cell, {
      index: 1,
      executionOrder: 2,
      startTime: 1010,
      endTime: 1015,
      success: true,
    });
    assert.equal(ex.busy, true);
    await until(() => types().length > 4);
    assert.deepEqual(types().slice(4), ["executionIdle"]);
    assert.equal(ex.busy, false);
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
    run(ex, "a", 0, 1, true, 0);
    ex.update("a", { index: 0, executionOrder: 1, success: true, timing: { startTime: 0, endTime: 5 } });
    ex.update("a", { index: 0, executionOrder: 1, success: true, timing: { startTime: 0, endTime: 5 } });
    assert.deepEqual(types(), ["cellStarted:0", "cellFinished:0"]);
    ex.dispose();
  });

  it("a failing cell is reported with success false", () => {
    const { ex, events } = tracker();
    run(ex, "a", 0, 1, false, 0);
    const fin = events.find((e) => e.type === "cellFinished");
    assert.ok(fin && fin.type === "cellFinished" && fin.cell.success === false);
    ex.dispose();
  });

  it("execution order back to 1 means the kernel restarted", async () => {
    const { ex, types } = tracker();
    run(ex, "a", 0, 1, true, 0);
    run(ex, "b", 1, 2, true, 10);
    await until(() => types().includes("executionIdle"));
    run(ex, "a", 0, 1, true, 100);
    assert.deepEqual(types(), [
      "cellStarted:0",
      "cellFinished:0",
      "cellStarted:1",
      "cellFinished:1",
      "executionIdle",
      "kernelRestarted",
      "cellStarted:0",
      "cellFinished:0",
    ]);
    ex.dispose();
  });

  it("a restart mid-execution: the cancelled cell leaves the run open, the restart is reported before the next start", async () => {
    const { ex, events, types } = tracker();
    run(ex, "a", 0, 1, true, 0);
    ex.update("b", { index: 1 });
    ex.update("b", { index: 1, executionOrder: 2 }); // running... then the kernel dies
    ex.update("b", { index: 1, executionOrder: 2, timing: { startTime: 10, endTime: 20 } }); // ended, success undefined
    assert.deepEqual(events.at(-1), {
      type: "cellCancelled",
      cell: { index: 1, executionOrder: 2, startTime: 10, endTime: 20 },
    });
    ex.update("b", { index: 1, executionOrder: 2, timing: { startTime: 10, endTime: 20 } }); // a metadata edit
    assert.equal(types().filter((t) => t === "cellCancelled:1").length, 1, "reported once");
    await settle();
    assert.ok(!types().includes("executionIdle"), "a cancelled batch does not complete");
    run(ex, "a", 0, 1, true, 100);
    assert.deepEqual(types().slice(-3), ["kernelRestarted", "cellStarted:0", "cellFinished:0"]);
    await until(() => types().at(-1) === "executionIdle");
    assert.equal(types().at(-1), "executionIdle");
  });

  it("a restart while a cell still shows running (no end reported) is detected too", () => {
    const { ex, types } = tracker();
    ex.update("a", { index: 0, executionOrder: 3 });
    ex.update("b", { index: 1, executionOrder: 1 });
    assert.deepEqual(types(), ["cellStarted:0", "kernelRestarted", "cellStarted:1"]);
    ex.dispose();
  });

  it("a queued cell keeps the notebook busy only for a grace period", async () => {
    const { ex, types } = tracker(80);
    run(ex, "a", 0, 1, true, 0);
    ex.update("b", { index: 1 }); // queued, never starts (or outputs cleared)
    await settle();
    assert.ok(!types().includes("executionIdle"));
    await until(() => types().at(-1) === "executionIdle");
    assert.equal(types().at(-1), "executionIdle");
  });
});
