// Every value is text: a corpus of XSS payloads through every field, key, label, column and cell of
// both renderers (and the dataresource path) must run nothing and show up as the literal text.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { DATAFRAME_MIME, DATARESOURCE_MIME, DESCRIBE_MIME } from "../../db/shapes";
import { XSS_PAYLOADS, xssDescription, xssFrame, xssResource } from "./fixtures";
import { render, startHarness, type Harness, type HarnessWindow } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** Elements and attributes that only injected markup could have produced. */
async function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const outputs = document.getElementById("outputs") as HTMLElement;
    const bad =
      "script, iframe, img, object, embed, video, audio, source, math, marquee, body, a[href], [srcdoc], style, input:not(.ldb-filter)";
    for (const el of outputs.querySelectorAll(bad)) found.push(el.outerHTML.slice(0, 80));
    for (const el of outputs.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames())
        if (/^on/i.test(attr) || (attr === "style" && /url\(/.test(el.getAttribute(attr) ?? "")))
          found.push(`${el.tagName}[${attr}]`);
    }
    return found;
  });
}

async function settle(page: Page): Promise<number> {
  // Error events of broken images and iframe loads are asynchronous: give them time to fire.
  await page.waitForTimeout(400);
  return page.evaluate(() => (window as unknown as HarnessWindow).__xss);
}

describe("XSS corpus", () => {
  test(`corpus has at least 15 payloads (${XSS_PAYLOADS.length})`, () => {
    assert.ok(XSS_PAYLOADS.length >= 15);
  });

  test("control: the harness does detect a payload that reaches innerHTML", async () => {
    const page = await h.open();
    await page.evaluate((p) => {
      const div = document.createElement("div");
      div.innerHTML = p; // what the renderers never do
      document.body.appendChild(div);
    }, XSS_PAYLOADS[0] as string);
    assert.ok((await settle(page)) >= 1);
    await page.context().close();
  });

  for (const messaging of [true, false]) {
    test(`describe: every field, key, label and block shows payloads as text (messaging ${messaging ? "on" : "off"})`, async () => {
      const page = await h.open({ messaging });
      for (const p of XSS_PAYLOADS) {
        const sel = await render(page, "describe", DESCRIBE_MIME, xssDescription(p));
        // Open every collapsed part so lazily built children are rendered too.
        await page.$$eval(`${sel} details`, (ds) =>
          ds.forEach((d) => ((d as HTMLDetailsElement).open = true)),
        );
        await page.$$eval(`${sel} details`, (ds) =>
          ds.forEach((d) => ((d as HTMLDetailsElement).open = true)),
        );
        const texts = await page.$eval(sel, (root) => {
          const t = (s: string) => [...root.querySelectorAll(s)].map((e) => e.textContent);
          return {
            title: t(".ldb-title"),
            registry: t(".ldb-registry"),
            uid: t(".ldb-header-uid"),
            fieldNames: t(".ldb-field-name"),
            fieldValues: t(".ldb-field-value"),
            paramKeys: t(".ldb-tree .ldb-key"),
            paramValues: t(".ldb-tree-value"),
            features: t(".ldb-feature-name, .ldb-feature-dtype, .ldb-feature-value, .ldb-chip"),
            relation: t(".ldb-relation-name, .ldb-relation-registry"),
            links: t(".ldb-relation-list li > :first-child"),
            preview: t(".ldb-preview"),
            block: t(".ldb-block-content"),
            warning: t(".ldb-warning-text"),
            nodeTitles: t("g.ldb-node > title"),
            edgeLabels: t(".ldb-edge-label"),
          };
        });
        const has = (list: Array<string | null>, what: string) =>
          assert.ok(
            list.some((x) => x?.includes(p)),
            `${what} should show ${JSON.stringify(p)}: ${JSON.stringify(list)}`,
          );
        assert.deepEqual(texts.title, [p]);
        assert.deepEqual(texts.registry, [p]);
        assert.deepEqual(texts.uid, [p]);
        has(texts.fieldNames, "field name");
        assert.equal(
          texts.fieldValues.filter((v) => v === p).length >= 3,
          true,
          `field values ${JSON.stringify(texts.fieldValues)}`,
        );
        has(texts.paramKeys, "param key");
        has(texts.paramValues, "param value");
        has(texts.features, "feature");
        has(texts.relation, "relation");
        assert.deepEqual(texts.links, [p, p]);
        assert.deepEqual(texts.preview, [`${p}\n${p}`]);
        assert.deepEqual(texts.block, [p]);
        assert.deepEqual(texts.warning, [p]);
        assert.equal(texts.nodeTitles.length, 3);
        texts.nodeTitles.forEach((title) => assert.ok(title?.includes(p)));
        assert.deepEqual(texts.edgeLabels, [p, p]);
        // Interact: click every link and node, so handlers run with hostile data.
        await page.$$eval(`${sel} .ldb-record-link, ${sel} .ldb-record-text, ${sel} g.ldb-node`, (els) =>
          els.forEach((e) => e.dispatchEvent(new MouseEvent("click", { bubbles: true }))),
        );
      }
      assert.deepEqual(await injected(page), []);
      assert.equal(await settle(page), 0);
      await page.context().close();
    });
  }

  test("dataframe: column names, index, cells and expanded JSON show payloads as text", async () => {
    const page = await h.open();
    for (const p of XSS_PAYLOADS) {
      const sel = await render(page, "table", DATAFRAME_MIME, xssFrame(p));
      await page.$$eval(`${sel} button[data-json-col]`, (bs) =>
        bs.forEach((b) => (b as HTMLButtonElement).click()),
      );
      const texts = await page.$eval(sel, (root) => {
        const t = (s: string) => [...root.querySelectorAll(s)].map((e) => e.textContent);
        return {
          registry: t(".ldb-registry"),
          columns: t("thead .ldb-col-name"),
          index: t("tr.ldb-row > th"),
          row0: [...(root.querySelector('tr[data-row="0"]') as Element).querySelectorAll("td")]
            .slice(0, 4)
            .map((e) => e.textContent),
          detail: t(".ldb-detail-pre"),
        };
      });
      assert.deepEqual(texts.registry, [p]);
      assert.deepEqual(texts.columns, [p, p, "uid", "status", "when", "json"]);
      assert.deepEqual(texts.index, [p, "b"]);
      assert.deepEqual(texts.row0, [p, p, p, p]);
      assert.equal(texts.detail.length, 2);
      assert.ok(texts.detail.every((d) => d?.includes(JSON.stringify(p))));
      await page.click(`${sel} .ldb-copy-all`);
      await page.fill(`${sel} .ldb-filter`, p.slice(0, 12));
      await page.press(`${sel} .ldb-filter`, "Enter");
    }
    assert.deepEqual(await injected(page), []);
    assert.equal(await settle(page), 0);
    await page.context().close();
  });

  test("dataresource: field names, primary key and cells show payloads as text", async () => {
    const page = await h.open();
    for (const p of XSS_PAYLOADS) {
      const sel = await render(page, "table", DATARESOURCE_MIME, xssResource(p));
      const texts = await page.$eval(sel, (root) => ({
        columns: [...root.querySelectorAll("thead .ldb-col-name")].map((e) => e.textContent),
        index: [...root.querySelectorAll("tr.ldb-row > th")].map((e) => e.textContent),
        json: root.querySelector("tr.ldb-row .ldb-json-preview")?.textContent ?? "",
        cell: root.querySelector('tr[data-row="1"] td')?.textContent,
      }));
      assert.deepEqual(texts.columns, [p, "any"]);
      assert.deepEqual(texts.index, [p, `${p}2`]);
      assert.ok(texts.json.startsWith(`{${JSON.stringify(p).slice(0, 20)}`), texts.json);
      assert.equal(texts.cell, p);
    }
    assert.deepEqual(await injected(page), []);
    assert.equal(await settle(page), 0);
    await page.context().close();
  });
});
