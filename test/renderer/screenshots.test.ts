// Screenshots of both renderers in a light, a dark and a high-contrast theme, kept as test artifacts
// in .test-output/renderer/ (git-ignored) for a human look.
import assert from "node:assert/strict";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { DATAFRAME_MIME, DATARESOURCE_MIME, DESCRIBE_MIME } from "../../db/shapes";
import { pandasResource, runDescription, runsFrame } from "./fixtures";
import { nextPaint, outputDir, render, startHarness, type Harness, type Theme } from "./harness";

let h: Harness;
before(async () => {
  h = await startHarness();
  mkdirSync(outputDir, { recursive: true });
});
after(async () => {
  await h?.close();
});

describe("screenshots", () => {
  for (const theme of ["light", "dark", "hc"] as Theme[]) {
    test(`describe (${theme})`, async () => {
      const page = await h.open({ theme, width: 1000, height: 1200 });
      const sel = await render(page, "describe", DESCRIBE_MIME, runDescription());
      await nextPaint(page);
      const file = join(outputDir, `describe-${theme}.png`);
      await page.locator(sel).screenshot({ path: file });
      assert.ok(statSync(file).size > 10_000);
      await page.context().close();
    });

    test(`table (${theme})`, async () => {
      const page = await h.open({ theme, width: 1000, height: 700 });
      const frame = runsFrame(20, 1250, { token: "t", offset: 20 });
      const sel = await render(page, "table", DATAFRAME_MIME, frame);
      await page.click(`${sel} th[data-column="4"] button`); // sort by score
      await page.click(`${sel} tr[data-row="3"] td >> nth=1`);
      await page.click(`${sel} tr[data-row="9"] td >> nth=1`, { modifiers: ["Shift"] });
      await page.click(`${sel} tr[data-row="10"] button[data-json-col="6"]`);
      await page.mouse.move(0, 0);
      await nextPaint(page);
      const file = join(outputDir, `table-${theme}.png`);
      await page.locator(sel).screenshot({ path: file });
      assert.ok(statSync(file).size > 10_000);
      await page.context().close();
    });
  }

  test("dataresource (light)", async () => {
    const page = await h.open({ theme: "light", width: 800, height: 400 });
    const sel = await render(page, "table", DATARESOURCE_MIME, pandasResource());
    await nextPaint(page);
    const file = join(outputDir, "dataresource-light.png");
    await page.locator(sel).screenshot({ path: file });
    assert.ok(statSync(file).size > 3_000);
    await page.context().close();
  });
});
