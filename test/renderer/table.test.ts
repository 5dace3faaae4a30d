// The table renderer in headless Chromium: the real dist/renderer/table.js in harness.html.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DATAFRAME_MIME, DATARESOURCE_MIME } from "../../db/shapes";
import { MAKE_FRAME_JS, pandasResource, runsFrame } from "./fixtures";
import { nextPaint, posted, render, send, startHarness, type Harness, type HarnessWindow } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

interface Copy {
  format: string;
  rows: number;
  text: string;
}

async function lastCopy(page: Page, sel: string): Promise<Copy | null> {
  return page.$eval(sel, (element) => {
    const w = window as unknown as HarnessWindow;
    const get = w.__modules.table?.getLastCopy as (e: Element) => Copy | null;
    return get(element);
  });
}

async function visibleRows(page: Page, sel: string): Promise<number[]> {
  return page.$$eval(`${sel} tr.ldb-row`, (trs) => trs.map((tr) => Number(tr.getAttribute("data-row"))));
}

async function renderBig(page: Page, n: number): Promise<string> {
  await page.evaluate(`window.__frameText = JSON.stringify((${MAKE_FRAME_JS})(${n}))`);
  const { id } = await page.evaluate(async (mime) => {
    const w = window as unknown as HarnessWindow;
    return w.__render("table", mime, w.__frameText as string);
  }, DATAFRAME_MIME);
  await nextPaint(page);
  return `#${id}`;
}

describe("table renderer", () => {
  test("header, formatted cells and N of M", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(20));
    const head = await page.$$eval(`${sel} thead th[role=columnheader]`, (ths) =>
      ths.map((th) => [
        th.querySelector(".ldb-col-name")?.textContent,
        th.querySelector(".ldb-col-dtype")?.textContent ?? null,
      ]),
    );
    assert.deepEqual(head, [
      ["id", null],
      ["uid", null],
      ["name", "str"],
      ["status", null],
      ["started_at", "datetime"],
      ["score", "int"],
      ["is_latest", "bool"],
      ["params", "json"],
    ]);
    const row0 = await page.$eval(`${sel} tr[data-row="0"]`, (tr) => {
      const cells = [...tr.children] as HTMLElement[];
      return {
        index: cells[0]?.textContent,
        uidFont: getComputedStyle(cells[1]?.querySelector(".ldb-uid") as Element).fontFamily,
        status: cells[3]?.querySelector(".ldb-status")?.className,
        time: cells[4]?.querySelector("time")?.textContent,
        timeTitle: cells[4]?.querySelector("time")?.getAttribute("title"),
        score: cells[5]?.textContent,
        scoreAlign: getComputedStyle(cells[5] as Element).textAlign,
        bool: cells[6]?.textContent,
        json: cells[7]?.querySelector(".ldb-json-preview")?.textContent,
        toggle: cells[7]?.querySelector("button")?.getAttribute("aria-expanded"),
      };
    });
    assert.deepEqual(row0, {
      index: "1",
      uidFont: row0.uidFont,
      status: "ldb-badge ldb-status ldb-status-completed",
      time: "2025-01-01 01:00:00", // UTC midnight in Europe/Berlin
      timeTitle: "2025-01-01T00:00:00.000Z",
      score: "—",
      scoreAlign: "right",
      bool: "True",
      json: '{"lr": 0, "layers": [0, 1], "note": "row 0"}',
      toggle: "false",
    });
    assert.match(row0.uidFont, /mono/i);
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "20 of 20 rows");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), true);
    await page.context().close();
  });

  test("virtualised: 100,000 rows keep a few dozen <tr> in the DOM; scrolling swaps them", async () => {
    const page = await h.open();
    const sel = await renderBig(page, 100_000);
    const first = await visibleRows(page, sel);
    assert.ok(first.length > 10 && first.length < 60, `rows in DOM: ${first.length}`);
    assert.equal(first[0], 0);
    assert.equal(await page.$eval(`${sel} table`, (t) => t.getAttribute("aria-rowcount")), "100001");
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "100,000 of 100,000 rows");
    // Scroll to row 50,000 (24 px rows).
    await page.$eval(`${sel} .ldb-scroller`, (s) => {
      s.scrollTop = 50_000 * 24;
    });
    await nextPaint(page);
    const later = await visibleRows(page, sel);
    assert.ok(later.length < 60);
    assert.ok(later.includes(50_000), `rows after scrolling: ${later[0]}..${later[later.length - 1]}`);
    assert.ok(!later.includes(0));
    // The row drawn at the top of the viewport is really there, under the sticky header.
    const topRow = await page.$eval(`${sel} .ldb-scroller`, (s) => {
      const r = s.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + 200, r.top + 28 + 12);
      return hit?.closest("tr")?.getAttribute("data-row");
    });
    assert.equal(topRow, "50000");
    await page.context().close();
  });

  test("sort: click cycles asc / desc / none; stable and type-aware, nulls last", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(30));
    const scoreHeader = `${sel} th[data-column="4"] button`;
    const order = async (): Promise<string[]> => {
      await page.click(`${sel} .ldb-copy-all`);
      const copy = await lastCopy(page, sel);
      return (copy?.text ?? "")
        .split("\n")
        .slice(1)
        .map((line) => line.split("\t")[5] as string);
    };
    await page.click(scoreHeader);
    assert.equal(
      await page.$eval(`${sel} th[data-column="4"]`, (th) => th.getAttribute("aria-sort")),
      "ascending",
    );
    const asc = await order();
    const nums = asc.filter((s) => s !== "").map(Number);
    assert.deepEqual(
      nums,
      [...nums].sort((a, b) => a - b),
    );
    assert.ok(
      asc.slice(-5).every((s) => s === ""),
      "nulls last",
    );
    await page.click(scoreHeader);
    assert.equal(
      await page.$eval(`${sel} th[data-column="4"]`, (th) => th.getAttribute("aria-sort")),
      "descending",
    );
    const desc = await order();
    const dnums = desc.filter((s) => s !== "").map(Number);
    assert.deepEqual(
      dnums,
      [...dnums].sort((a, b) => b - a),
    );
    assert.ok(
      desc.slice(-5).every((s) => s === ""),
      "nulls last in descending order too",
    );
    await page.click(scoreHeader);
    assert.equal(
      await page.$eval(`${sel} th[data-column="4"]`, (th) => th.getAttribute("aria-sort")),
      "none",
    );
    assert.deepEqual((await visibleRows(page, sel)).slice(0, 5), [0, 1, 2, 3, 4]);
    // Stable: sorting by a bool keeps the original order within each group.
    await page.click(`${sel} th[data-column="5"] button`);
    await page.click(`${sel} .ldb-copy-all`);
    const ids = ((await lastCopy(page, sel))?.text ?? "")
      .split("\n")
      .slice(1)
      .map((l) => Number(l.split("\t")[0]));
    assert.deepEqual(ids.slice(0, 3), [2, 4, 6]); // False first (ids 2, 4, 6 ...), in original order
    // Status sorts by LaminDB's lifecycle (scheduled < restarted < started < completed < errored < aborted).
    await page.click(`${sel} th[data-column="2"] button`);
    await page.click(`${sel} .ldb-copy-all`);
    const statuses = ((await lastCopy(page, sel))?.text ?? "")
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t")[3]);
    assert.equal(statuses[0], "scheduled");
    assert.equal(statuses[statuses.length - 1], "aborted");
    await page.context().close();
  });

  test("filter: case-insensitive substring over all cells; empty result says so", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(200));
    await page.fill(`${sel} .ldb-filter`, "RUN 05");
    await page.press(`${sel} .ldb-filter`, "Enter");
    const rows = await page.$$eval(`${sel} tr.ldb-row td:nth-of-type(2)`, (tds) =>
      tds.map((t) => t.textContent),
    );
    assert.ok(rows.length >= 2 && rows.every((t) => t === "run 05"), JSON.stringify(rows));
    assert.equal(
      await page.$eval(`${sel} .ldb-count`, (e) => e.textContent),
      `${rows.length} matching · 200 of 200 rows`,
    );
    await page.fill(`${sel} .ldb-filter`, "errored");
    await page.press(`${sel} .ldb-filter`, "Enter");
    assert.match((await page.$eval(`${sel} .ldb-count`, (e) => e.textContent)) ?? "", /^34 matching/);
    await page.fill(`${sel} .ldb-filter`, "no such thing");
    await page.press(`${sel} .ldb-filter`, "Enter");
    assert.equal(
      await page.$eval(`${sel} .ldb-empty`, (e) => e.textContent),
      "No rows match “no such thing”.",
    );
    await page.fill(`${sel} .ldb-filter`, "");
    await page.press(`${sel} .ldb-filter`, "Enter");
    assert.equal(await page.$$eval(`${sel} .ldb-empty`, (e) => e.length), 0);
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "200 of 200 rows");
    await page.context().close();
  });

  test("selection (click, shift, ctrl) and copy as TSV and CSV", async () => {
    const page = await h.open();
    const frame = runsFrame(10);
    (frame.rows[2] as unknown[])[1] = 'has, comma and "quote"';
    const sel = await render(page, "table", DATAFRAME_MIME, frame);
    await page.click(`${sel} tr[data-row="1"] td >> nth=1`);
    await page.click(`${sel} tr[data-row="4"] td >> nth=1`, { modifiers: ["Shift"] });
    await page.click(`${sel} tr[data-row="3"] td >> nth=1`, { modifiers: ["Control"] });
    assert.deepEqual(
      await page.$$eval(`${sel} tr.ldb-selected`, (t) => t.map((r) => Number(r.getAttribute("data-row")))),
      [1, 2, 4],
    );
    assert.equal(await page.$eval(`${sel} .ldb-selection-count`, (e) => e.textContent), "· 3 selected");
    await page.click(`${sel} .ldb-copy-selection`);
    const tsv = await lastCopy(page, sel);
    assert.equal(tsv?.format, "tsv");
    assert.deepEqual(tsv?.text.split("\n"), [
      "id\tuid\tname\tstatus\tstarted_at\tscore\tis_latest\tparams",
      "2\tuid0000000000001\trun 01\terrored\t2025-01-01T00:00:01.000Z\t37\tfalse\t",
      '3\tuid0000000000002\thas, comma and "quote"\tstarted\t2025-01-01T00:00:02.000Z\t74\ttrue\t',
      "5\tuid0000000000004\trun 04\tscheduled\t2025-01-01T00:00:04.000Z\t148\ttrue\t",
    ]);
    await page.selectOption(`${sel} .ldb-format`, "csv");
    await page.click(`${sel} .ldb-copy-selection`);
    const csv = await lastCopy(page, sel);
    assert.equal(csv?.format, "csv");
    assert.deepEqual(csv?.text.split("\r\n"), [
      "id,uid,name,status,started_at,score,is_latest,params",
      "2,uid0000000000001,run 01,errored,2025-01-01T00:00:01.000Z,37,false,",
      '3,uid0000000000002,"has, comma and ""quote""",started,2025-01-01T00:00:02.000Z,74,true,',
      "5,uid0000000000004,run 04,scheduled,2025-01-01T00:00:04.000Z,148,true,",
    ]);
    await page.click(`${sel} .ldb-copy-all`);
    const all = await lastCopy(page, sel);
    assert.equal(all?.rows, 10);
    assert.equal(all?.text.split("\r\n").length, 11);
    assert.match(
      all?.text.split("\r\n")[1] ?? "",
      /^1,uid0000000000000,run 00,completed,.*,,true,"\{""lr"":0,""layers"":\[0,1\],""note"":""row 0""\}"$/,
    );
    // The status is written when the clipboard answers, after the click returns: wait for it.
    const status = await page.waitForFunction(
      (s) => document.querySelector(`${s} .ldb-copy-status`)?.textContent || null,
      sel,
    );
    assert.match(String(await status.jsonValue()), /^(Copied 10 rows as CSV|Copy failed)/);
    await page.context().close();
  });

  test("a slow clipboard: the status tells of the last copy, not of the write that finished last", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(10));
    // The first write answers only when the test says so, after the second has answered.
    await page.evaluate(() => {
      const w = window as unknown as { __release?: () => void };
      let calls = 0;
      Object.defineProperty(navigator, "clipboard", {
        configurable: true,
        value: {
          writeText: () =>
            ++calls === 1 ? new Promise<void>((resolve) => (w.__release = resolve)) : Promise.resolve(),
        },
      });
    });
    const status = () => page.$eval(`${sel} .ldb-copy-status`, (e) => e.textContent);
    await page.click(`${sel} tr[data-row="1"] td >> nth=1`);
    await page.click(`${sel} .ldb-copy-selection`);
    assert.equal(await status(), "");
    await page.click(`${sel} .ldb-copy-all`);
    await page.waitForFunction((s) => document.querySelector(`${s} .ldb-copy-status`)?.textContent, sel);
    assert.equal(await status(), "Copied 10 rows as TSV");
    await page.evaluate(() => (window as unknown as { __release: () => void }).__release());
    await nextPaint(page);
    assert.equal(await status(), "Copied 10 rows as TSV");
    assert.equal((await lastCopy(page, sel))?.rows, 10);
    await page.context().close();
  });

  test("keyboard: arrows move the selection, shift extends, ctrl+A selects all, the grid scrolls along", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(100));
    await page.click(`${sel} tr[data-row="0"] td >> nth=1`);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const selected = () =>
      page.$$eval(`${sel} tr.ldb-selected`, (t) => t.map((r) => Number(r.getAttribute("data-row"))));
    assert.deepEqual(await selected(), [2]);
    assert.equal(
      await page.$eval(`${sel} table`, (t) => t.getAttribute("aria-activedescendant")?.endsWith("-r2")),
      true,
    );
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowDown");
    assert.deepEqual(await selected(), [2, 3, 4]);
    await page.keyboard.press("End");
    await nextPaint(page);
    assert.deepEqual(await selected(), [99]);
    const bottomVisible = await page.$eval(`${sel} tr[data-row="99"]`, (tr) => {
      const s = tr.closest(".ldb-scroller") as HTMLElement;
      return tr.getBoundingClientRect().bottom <= s.getBoundingClientRect().bottom + 1;
    });
    assert.ok(bottomVisible, "the last row was scrolled into view");
    await page.keyboard.press("Control+a");
    assert.equal(await page.$eval(`${sel} .ldb-selection-count`, (e) => e.textContent), "· 100 selected");
    await page.keyboard.press("Escape");
    assert.equal(await page.$eval(`${sel} .ldb-selection-count`, (e) => e.textContent), "");
    await page.context().close();
  });

  test("load more through messaging: posts loadMore, appends the rows that come back", async () => {
    const page = await h.open();
    const first = runsFrame(20, 45, { token: "tok-1", offset: 20 });
    const sel = await render(page, "table", DATAFRAME_MIME, first);
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "20 of 45 rows");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), false);
    await page.click(`${sel} .ldb-load-more`);
    const [message] = await posted(page);
    assert.equal(message?.type, "loadMore");
    assert.equal(message?.token, "tok-1");
    assert.equal(message?.offset, 20);
    assert.equal(typeof message?.requestId, "string");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLButtonElement).disabled), true);
    const page2 = runsFrame(40, 45, { token: "tok-2", offset: 40 });
    page2.rows = page2.rows.slice(20);
    page2.index.values = page2.index.values.slice(20);
    page2.offset = 20;
    // An answer to some other request is ignored.
    await send(page, { type: "rows", requestId: "other", frame: page2 });
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "20 of 45 rows");
    await send(page, { type: "rows", requestId: message?.requestId, frame: page2 });
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "40 of 45 rows");
    await page.$eval(`${sel} .ldb-scroller`, (s) => {
      s.scrollTop = 10_000;
    });
    await nextPaint(page);
    assert.ok((await visibleRows(page, sel)).includes(39));
    assert.equal(await page.$eval(`${sel} tr[data-row="39"] th`, (e) => e.textContent), "40");
    // The second page: the extension answers with an error.
    await page.click(`${sel} .ldb-load-more`);
    const second = (await posted(page))[1];
    assert.equal(second?.token, "tok-2");
    await send(page, { type: "error", requestId: second?.requestId, message: "connection lost" });
    assert.equal(await page.$eval(`${sel} .ldb-load-error`, (e) => e.textContent), "connection lost");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLButtonElement).disabled), false);
    await page.context().close();
  });

  test("a lower-bound total reads 10,000+, and load more stays offered until the rows end", async () => {
    const page = await h.open();
    const sel = await render(
      page,
      "table",
      DATAFRAME_MIME,
      runsFrame(20, 10_000, { token: "b-1", offset: 20 }, false),
    );
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "20 of 10,000+ rows");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), false);
    await page.click(`${sel} .ldb-load-more`);
    const [message] = await posted(page);
    // a bound at the rows loaded so far still says more exist: load more is offered
    const page2 = runsFrame(40, 40, { token: "b-2", offset: 40 }, false);
    page2.rows = page2.rows.slice(20);
    page2.index.values = page2.index.values.slice(20);
    page2.offset = 20;
    await send(page, { type: "rows", requestId: message?.requestId, frame: page2 });
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "40 of 40+ rows");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), false);
    await page.click(`${sel} .ldb-load-more`);
    const second = (await posted(page))[1];
    assert.equal(second?.token, "b-2");
    // the last page's exact total ends it
    const page3 = runsFrame(45, 45);
    page3.rows = page3.rows.slice(40);
    page3.index.values = page3.index.values.slice(40);
    page3.offset = 40;
    await send(page, { type: "rows", requestId: second?.requestId, frame: page3 });
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "45 of 45 rows");
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), true);
    await page.context().close();
  });

  test("without messaging: no load more, a note says how to get more rows", async () => {
    const page = await h.open({ messaging: false });
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(20, 45, { token: "t", offset: 20 }));
    assert.equal(await page.$eval(`${sel} .ldb-load-more`, (e) => (e as HTMLElement).hidden), true);
    const note = await page.$eval(`${sel} .ldb-note`, (e) => ({
      hidden: (e as HTMLElement).hidden,
      text: e.textContent,
    }));
    assert.equal(note.hidden, false);
    assert.match(note.text ?? "", /first 20 rows.*LaminDB extension.*to_dataframe/);
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "20 of 45 rows");
    await page.context().close();
  });

  test("the index column is pinned while scrolling sideways", async () => {
    const page = await h.open({ width: 600 });
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(30));
    const before = await page.$eval(`${sel} tr[data-row="0"] th.ldb-index`, (th) => ({
      position: getComputedStyle(th).position,
      left: th.getBoundingClientRect().left,
    }));
    assert.equal(before.position, "sticky");
    const scrolled = await page.$eval(`${sel} .ldb-scroller`, (s) => {
      s.scrollLeft = 300;
      return s.scrollLeft;
    });
    assert.ok(scrolled > 100, "the table is wider than the viewport");
    await nextPaint(page);
    const after = await page.$eval(`${sel} tr[data-row="0"]`, (tr) => ({
      index: (tr.querySelector("th.ldb-index") as Element).getBoundingClientRect().left,
      uid: (tr.querySelector("td") as Element).getBoundingClientRect().left,
    }));
    assert.equal(Math.round(after.index), Math.round(before.left));
    assert.ok(after.uid < before.left, "other cells moved");
    await page.context().close();
  });

  test("JSON cells: one-line preview, expandable to pretty JSON and back", async () => {
    const page = await h.open();
    const frame = runsFrame(20);
    const big: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) big[`key_${i}`] = i;
    (frame.rows[5] as unknown[])[6] = big;
    const sel = await render(page, "table", DATAFRAME_MIME, frame);
    await page.click(`${sel} tr[data-row="0"] button[data-json-col="6"]`);
    const detail = await page.$eval(`${sel} tr[data-detail-for="0"]`, (tr) => ({
      label: tr.querySelector(".ldb-detail-label")?.textContent,
      text: tr.querySelector("pre")?.textContent,
    }));
    assert.equal(detail.label, "params");
    assert.equal(detail.text, JSON.stringify({ lr: 0, layers: [0, 1], note: "row 0" }, null, 2));
    assert.equal(
      await page.$eval(`${sel} tr[data-row="0"] button[data-json-col="6"]`, (b) =>
        b.getAttribute("aria-expanded"),
      ),
      "true",
    );
    // A huge value previews in one line and expands into a bounded, scrollable block.
    const preview = await page.$eval(`${sel} tr[data-row="5"] .ldb-json-preview`, (e) => e.textContent ?? "");
    assert.ok(preview.length <= 100 && preview.endsWith("…"));
    assert.equal(
      await page.$eval(`${sel} tr[data-row="5"] .ldb-json-size`, (e) => e.textContent),
      "5000 keys",
    );
    await page.click(`${sel} tr[data-row="5"] button[data-json-col="6"]`);
    const h5 = await page.$eval(`${sel} tr[data-detail-for="5"]`, (tr) => tr.getBoundingClientRect().height);
    assert.ok(h5 < 400, `detail height ${h5}`);
    // Rows after an expanded one sit right below it (the virtualiser knows the detail height).
    const gap = await page.$eval(sel, (root) => {
      const detail = root.querySelector('tr[data-detail-for="0"]') as Element;
      const next = root.querySelector('tr[data-row="1"]') as Element;
      return Math.round(next.getBoundingClientRect().top - detail.getBoundingClientRect().bottom);
    });
    assert.equal(gap, 0);
    await page.click(`${sel} tr[data-row="0"] button[data-json-col="6"]`);
    assert.equal(await page.$$eval(`${sel} tr[data-detail-for="0"]`, (t) => t.length), 0);
    await page.context().close();
  });

  test("dataresource (pandas Table Schema) renders through the same table", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATARESOURCE_MIME, pandasResource());
    const head = await page.$$eval(`${sel} thead th[role=columnheader]`, (ths) =>
      ths.map(
        (th) =>
          `${th.querySelector(".ldb-col-name")?.textContent}:${th.querySelector(".ldb-col-dtype")?.textContent ?? ""}`,
      ),
    );
    assert.deepEqual(head, [
      ":",
      "gene:str",
      "mean:float",
      "highly_variable:bool",
      "measured:datetime",
      "meta:str",
    ]);
    const rows = await page.$$eval(`${sel} tr.ldb-row`, (trs) =>
      trs.map((tr) => [...tr.children].slice(0, 6).map((c) => c.textContent)),
    );
    assert.deepEqual(rows, [
      ["0", "CD3E", "1.234568", "True", "2024-05-01 12:00:00", "a"],
      ["1", "MS4A1", "0.5", "False", "2024-05-02 12:00:00", "—"],
      ["2", "NKG7", "12", "True", "—", "c"],
    ]);
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "3 of 3 rows");
    assert.equal(await page.$eval(`${sel} tr.ldb-row th`, (th) => getComputedStyle(th).position), "sticky");
    await page.context().close();
  });

  test("robust: an empty frame, and JSON that is not a table", async () => {
    const page = await h.open();
    const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(0));
    assert.equal(await page.$eval(`${sel} .ldb-empty`, (e) => e.textContent), "No rows.");
    assert.equal(await page.$eval(`${sel} .ldb-count`, (e) => e.textContent), "0 of 0 rows");
    const bad = await render(page, "table", DATAFRAME_MIME, [1, 2, 3]);
    assert.match(await page.$eval(bad, (e) => e.textContent ?? ""), /expected a LaminDB dataframe/);
    await page.context().close();
  });

  test("sort and filter survive a re-render of the same output (renderer state)", async () => {
    const page = await h.open();
    await render(page, "table", DATAFRAME_MIME, runsFrame(50), "kept");
    await page.click('#kept th[data-column="4"] button');
    await page.click('#kept th[data-column="4"] button');
    await page.fill("#kept .ldb-filter", "run 1");
    await page.press("#kept .ldb-filter", "Enter");
    const before = await page.$eval("#kept .ldb-count", (e) => e.textContent);
    await render(page, "table", DATAFRAME_MIME, runsFrame(50), "kept");
    assert.equal(
      await page.$eval('#kept th[data-column="4"]', (th) => th.getAttribute("aria-sort")),
      "descending",
    );
    assert.equal(await page.$eval("#kept .ldb-filter", (e) => (e as HTMLInputElement).value), "run 1");
    assert.equal(await page.$eval("#kept .ldb-count", (e) => e.textContent), before);
    assert.match(before ?? "", /^\d+ matching · 50 of 50 rows$/);
    await page.context().close();
  });

  test("theme: header, borders and selection use VS Code's variables (light and dark)", async () => {
    for (const [theme, fg, bg] of [
      ["light", "rgb(59, 59, 59)", "rgb(255, 255, 255)"],
      ["dark", "rgb(204, 204, 204)", "rgb(31, 31, 31)"],
    ] as const) {
      const page = await h.open({ theme });
      const sel = await render(page, "table", DATAFRAME_MIME, runsFrame(5));
      await page.click(`${sel} tr[data-row="1"] td >> nth=1`);
      const c = await page.$eval(sel, (root) => ({
        fg: getComputedStyle(root.querySelector(".ldb-root") as Element).color,
        bg: getComputedStyle(root.querySelector(".ldb-scroller") as Element).backgroundColor,
        selected: getComputedStyle(root.querySelector("tr.ldb-selected td") as Element).backgroundImage,
      }));
      assert.equal(c.fg, fg, theme);
      assert.equal(c.bg, bg, theme);
      assert.match(c.selected, theme === "light" ? /rgb\(228, 230, 241\)/ : /rgb\(55, 55, 61\)/);
      await page.context().close();
    }
  });
});
