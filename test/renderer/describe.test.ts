// The describe renderer in headless Chromium: the real dist/renderer/describe.js in harness.html.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DESCRIBE_MIME } from "../../db/shapes";
import { minimalDescription, runDescription } from "./fixtures";
import { posted, render, startHarness, type Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function open(
  messaging = true,
  theme: "light" | "dark" = "light",
): Promise<{ page: Page; sel: string }> {
  const page = await h.open({ messaging, theme });
  const sel = await render(page, "describe", DESCRIBE_MIME, runDescription());
  return { page, sel };
}

describe("describe renderer", () => {
  test("header: registry, title, uid and a green completed badge", async () => {
    const { page, sel } = await open();
    const header = await page.$eval(`${sel} .ldb-describe-header`, (el) => ({
      registry: el.querySelector(".ldb-registry")?.textContent,
      title: el.querySelector(".ldb-title")?.textContent,
      uid: el.querySelector(".ldb-header-uid")?.textContent,
      uidFont: getComputedStyle(el.querySelector(".ldb-header-uid") as Element).fontFamily,
      status: el.querySelector(".ldb-status")?.getAttribute("data-status"),
      dot: getComputedStyle(el.querySelector(".ldb-status-dot") as Element).backgroundColor,
    }));
    assert.equal(header.registry, "Run");
    assert.equal(header.title, "3kJx0aB (notebooks/qc.ipynb)");
    assert.equal(header.uid, "3kJx0aB1cD2eF3gH");
    assert.match(header.uidFont, /mono/i);
    assert.equal(header.status, "completed");
    assert.equal(header.dot, "rgb(56, 138, 52)"); // --vscode-charts-green in the light harness theme
    await page.context().close();
  });

  test("fields: a two-column table filled pairwise, formatted by dtype", async () => {
    const { page, sel } = await open();
    const rows = await page.$$eval(`${sel} .ldb-fields tr`, (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("th")].map((th) => th.textContent)),
    );
    assert.deepEqual(rows, [
      ["uid", "transform"],
      ["started_at", "finished_at"],
      ["status", "reference"],
      ["branch", "space"],
      ["created_at", "created_by"],
    ]);
    const started = await page.$eval(`${sel} td[data-field="started_at"] time`, (t) => ({
      text: t.textContent,
      title: t.getAttribute("title"),
    }));
    // 09:15:02 UTC shown in the page's zone (Europe/Berlin, UTC+1 in March).
    assert.deepEqual(started, { text: "2025-03-04 10:15:02", title: "2025-03-04T09:15:02.123+00:00" });
    assert.equal(
      await page.$eval(`${sel} td[data-field="status"] .ldb-status`, (b) => b.className),
      "ldb-badge ldb-status ldb-status-completed",
    );
    assert.equal(await page.$eval(`${sel} td[data-field="reference"]`, (td) => td.textContent), "—");
    assert.equal(
      await page.$eval(`${sel} td[data-field="transform"] .ldb-record-link`, (a) => a.textContent),
      "notebooks/qc.ipynb (v2)",
    );
    await page.context().close();
  });

  test("params: nested collapsible tree", async () => {
    const { page, sel } = await open();
    const tree = await page.$eval(`${sel} [data-section="params"]`, (s) => ({
      open: (s as HTMLDetailsElement).open,
      count: s.querySelector(".ldb-section-count")?.textContent,
      keys: [
        ...s.querySelectorAll(
          ":scope .ldb-tree > * > .ldb-key, :scope .ldb-tree > details > summary > .ldb-key",
        ),
      ].map((k) => k.textContent),
      modelOpen: (s.querySelector(".ldb-tree > details") as HTMLDetailsElement).open,
      nested: [...s.querySelectorAll(".ldb-tree > details .ldb-tree-children .ldb-key")].map(
        (k) => k.textContent,
      ),
    }));
    assert.equal(tree.open, true);
    assert.equal(tree.count, "5");
    assert.deepEqual(tree.keys, ["learning_rate", "epochs", "use_gpu", "model", "tags"]);
    assert.equal(tree.modelOpen, true);
    assert.ok(tree.nested.includes("layers") && tree.nested.includes("dropout"));
    // Collapse "model" by clicking its summary.
    await page.click(`${sel} .ldb-tree > details > summary`);
    assert.equal(
      await page.$eval(`${sel} .ldb-tree > details`, (d) => (d as HTMLDetailsElement).open),
      false,
    );
    // The whole section collapses too.
    await page.click(`${sel} [data-section="params"] > summary`);
    assert.equal(
      await page.$eval(`${sel} [data-section="params"]`, (d) => (d as HTMLDetailsElement).open),
      false,
    );
    await page.context().close();
  });

  test("features: name, dtype, value; categorical values as chips", async () => {
    const { page, sel } = await open();
    const rows = await page.$$eval(`${sel} .ldb-features tbody tr`, (trs) =>
      trs.map((tr) => ({
        cells: [...tr.querySelectorAll("td")].map((td) => td.textContent),
        chips: tr.querySelectorAll(".ldb-chip").length,
      })),
    );
    assert.deepEqual(rows, [
      { cells: ["cell_type", "Record", "T cellB cell"], chips: 2 },
      { cells: ["n_cells", "int", "10423"], chips: 0 },
      { cells: ["qc_passed", "bool", "True"], chips: 0 },
    ]);
    await page.context().close();
  });

  test("relations: links that post openRecord on click and on Enter", async () => {
    const { page, sel } = await open();
    const relations = await page.$$eval(`${sel} .ldb-relation`, (blocks) =>
      blocks.map((b) => ({
        name: b.getAttribute("data-relation"),
        count: b.querySelector(".ldb-section-count")?.textContent,
        links: [...b.querySelectorAll(".ldb-record-link")].map((a) => a.textContent),
      })),
    );
    assert.deepEqual(relations[0], {
      name: "input_artifacts",
      count: "2 of 5",
      links: ["raw/counts.h5ad", "raw/metadata.csv"],
    });
    assert.equal(relations[2]?.links[0], "train.py");
    await page.click(`${sel} .ldb-relation[data-relation="input_artifacts"] .ldb-record-link >> nth=1`);
    await page.focus(`${sel} .ldb-relation[data-relation="output_artifacts"] .ldb-record-link`);
    await page.keyboard.press("Enter");
    const messages = await posted(page);
    assert.deepEqual(messages, [
      {
        type: "openRecord",
        ref: { registry: "Artifact", id: 12, uid: "cD4xYz0123456789wxyz", label: "raw/metadata.csv" },
      },
      {
        type: "openRecord",
        ref: {
          registry: "Artifact",
          id: 21,
          uid: "eF5xYz0123456789wxyz",
          label: "processed/qc_filtered.h5ad",
        },
      },
    ]);
    await page.context().close();
  });

  test("lineage: dagre lays inputs -> run -> outputs left to right as SVG; nodes open records", async () => {
    const { page, sel } = await open();
    const svg = await page.$eval(`${sel} svg.ldb-lineage`, (s) => ({
      nodes: [...s.querySelectorAll("g.ldb-node")].map((g) => ({
        role: g.getAttribute("data-role"),
        x: Number(g.getAttribute("data-x")),
        y: Number(g.getAttribute("data-y")),
        label: g.querySelector(".ldb-node-label")?.textContent,
        rects: g.querySelectorAll("rect").length,
      })),
      edges: s.querySelectorAll("g.ldb-edge path[marker-end]").length,
      width: Number(s.getAttribute("width")),
    }));
    assert.equal(svg.nodes.length, 5);
    assert.equal(svg.edges, 4);
    const xs = (role: string) => svg.nodes.filter((n) => n.role === role).map((n) => n.x);
    const self = xs("self")[0] as number;
    for (const x of xs("input")) assert.ok(x < self, "inputs left of the run");
    for (const x of xs("output")) assert.ok(x > self, "outputs right of the run");
    const inputYs = svg.nodes.filter((n) => n.role === "input").map((n) => n.y);
    assert.notEqual(inputYs[0], inputYs[1], "inputs are stacked, not overlapping");
    assert.ok(svg.nodes.every((n) => n.rects === 1 && n.label));
    await page.click(`${sel} g.ldb-node[data-role="output"] >> nth=1`);
    await page.click(`${sel} g.ldb-node[data-role="self"]`); // the record itself: no message
    const messages = await posted(page);
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0], {
      type: "openRecord",
      ref: { registry: "Artifact", id: 22, uid: "gH6xYz0123456789wxyz", label: "figures/umap.png" },
    });
    await page.context().close();
  });

  test("artifacts, README as preformatted text (not rendered Markdown), warnings", async () => {
    const { page, sel } = await open();
    const facts = await page.$eval(sel, (root) => ({
      roles: [...root.querySelectorAll(".ldb-artifact")].map((a) => a.getAttribute("data-role")),
      preview: root.querySelector(".ldb-artifact .ldb-preview")?.textContent,
      block: root.querySelector(".ldb-block-content")?.textContent,
      blockTag: root.querySelector(".ldb-block-content")?.tagName,
      rendered: root.querySelectorAll(".ldb-block h1, .ldb-block strong, .ldb-artifact h1").length,
      warning: root.querySelector(".ldb-warning-text")?.textContent,
    }));
    assert.deepEqual(facts.roles, ["report", "environment"]);
    assert.equal(facts.preview, "<html>\n  <h1>qc</h1>");
    assert.equal(facts.block, "# QC\n\nFilters cells with **fewer** than 200 genes.");
    assert.equal(facts.blockTag, "PRE");
    assert.equal(facts.rendered, 0);
    assert.equal(facts.warning, "record is in the trash");
    await page.context().close();
  });

  test("without messaging: links are plain text and lineage nodes are not interactive", async () => {
    const { page, sel } = await open(false);
    const facts = await page.$eval(sel, (root) => ({
      links: root.querySelectorAll(".ldb-record-link, [role=link]").length,
      texts: root.querySelectorAll(".ldb-record-text").length,
      focusable: root.querySelectorAll("g.ldb-node[tabindex]").length,
    }));
    assert.equal(facts.links, 0);
    assert.ok(facts.texts >= 6);
    assert.equal(facts.focusable, 0);
    await page.click(`${sel} .ldb-record-text >> nth=0`);
    assert.deepEqual(await posted(page), []);
    await page.context().close();
  });

  test("robust: a minimal description, and JSON that is not a description", async () => {
    const page = await h.open();
    const sel = await render(page, "describe", DESCRIBE_MIME, minimalDescription());
    const facts = await page.$eval(sel, (root) => ({
      title: root.querySelector(".ldb-title")?.textContent,
      sections: root.querySelectorAll(".ldb-section").length,
      fields: root.querySelectorAll(".ldb-fields").length,
    }));
    assert.deepEqual(facts, { title: "qc.ipynb", sections: 0, fields: 0 });
    const bad = await render(page, "describe", DESCRIBE_MIME, { hello: "world" });
    assert.match(await page.$eval(bad, (e) => e.textContent ?? ""), /expected a LaminDB description/);
    await page.context().close();
  });

  test("theme: colours come from VS Code's variables (light and dark)", async () => {
    for (const [theme, fg, link] of [
      ["light", "rgb(59, 59, 59)", "rgb(0, 95, 184)"],
      ["dark", "rgb(204, 204, 204)", "rgb(77, 170, 252)"],
    ] as const) {
      const { page, sel } = await open(true, theme);
      const colours = await page.$eval(sel, (root) => ({
        fg: getComputedStyle(root.querySelector(".ldb-root") as Element).color,
        link: getComputedStyle(root.querySelector(".ldb-record-link") as Element).color,
      }));
      assert.deepEqual(colours, { fg, link }, theme);
      await page.context().close();
    }
  });

  test("re-rendering the same output replaces it; dispose removes it", async () => {
    const page = await h.open();
    await render(page, "describe", DESCRIBE_MIME, runDescription(), "same");
    await render(page, "describe", DESCRIBE_MIME, minimalDescription(), "same");
    assert.equal(await page.$$eval("#same .ldb-describe", (n) => n.length), 1);
    assert.equal(await page.$eval("#same .ldb-title", (n) => n.textContent), "qc.ipynb");
    await page.evaluate(() =>
      (window as unknown as { __dispose(w: string, id: string): Promise<void> }).__dispose(
        "describe",
        "same",
      ),
    );
    assert.equal(await page.$$eval("#same .ldb-describe", (n) => n.length), 0);
    await page.context().close();
  });
});
