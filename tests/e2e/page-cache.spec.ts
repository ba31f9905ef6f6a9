import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { runScript, signInByLink, uniqueEmail, uniqueIp } from "./helpers";

/**
 * The anonymous page cache (server.ts): it serves anonymous readers, refreshes within about a
 * second of a re-import, and never hands out a page rendered for a subscriber.
 */
const canary = process.env.FOLIO_TEST_CANARY!;
const freeMark = process.env.FOLIO_TEST_FREEMARK!;
const plainHeaders: Record<string, string> = {};
const englishHeaders: Record<string, string> = { "Accept-Language": "en" };
const rscHeaders: Record<string, string> = { RSC: "1" };
const prefetchHeaders: Record<string, string> = { RSC: "1", "Next-Router-Prefetch": "1" };

test("warming every cache as a subscriber never puts paid text in an anonymous response", async ({
  page,
  playwright,
}) => {
  await page.context().setExtraHTTPHeaders({ "x-forwarded-for": uniqueIp() });
  const email = uniqueEmail("cache-warmer");
  await signInByLink(page, email);
  runScript("scripts/grant.ts", [email, "--forever"]);
  const urls = [
    "/d/canary-regions",
    "/zh-CN/d/canary-regions",
    "/en/d/canary-regions",
    "/d/canary-speech",
  ];
  for (const url of urls) {
    for (const headers of [plainHeaders, rscHeaders, prefetchHeaders, englishHeaders]) {
      for (let round = 0; round < 3; round += 1) await page.request.get(url, { headers });
    }
    expect(await (await page.request.get(url)).text()).toContain(canary); // the subscriber does read it
  }

  const anonymous = await playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
  });
  for (const url of urls) {
    for (const headers of [plainHeaders, englishHeaders, rscHeaders, prefetchHeaders]) {
      let current = url;
      for (let hop = 0; hop < 5; hop += 1) {
        const response = await anonymous.get(current, { headers, maxRedirects: 0 });
        const body = await response.text();
        expect.soft(body, `${current} ${JSON.stringify(headers)}`).not.toContain(canary);
        const location = response.headers()["location"];
        if (response.status() < 300 || response.status() >= 400 || !location?.startsWith("/"))
          break;
        current = location;
      }
    }
    const plain = await anonymous.get(url);
    expect(plain.headers()["x-folio-cache"]).toBe("HIT");
    expect(await plain.text()).toContain(freeMark);
  }
  await anonymous.dispose();
});

test("a re-imported document reaches anonymous readers within about a second", async ({
  request,
}) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "folio-cache-"));
  const file = path.join(folder, "cache-refresh.md");
  const write = (word: string) =>
    fs.writeFileSync(
      file,
      `---\ntitle: Cache refresh\nslug: cache-refresh\n---\nThe free word is ${word}.\n##paidbegin##\nPaid.\n`,
    );
  write("alpha");
  runScript("scripts/import.ts", [file]);
  await expect.poll(async () => (await request.get("/d/cache-refresh")).text()).toContain("alpha");
  expect((await request.get("/d/cache-refresh")).headers()["x-folio-cache"]).toBe("HIT");

  write("bravo");
  runScript("scripts/import.ts", [file]);
  const imported = Date.now();
  await expect
    .poll(async () => (await request.get("/d/cache-refresh")).text(), {
      intervals: [100],
      timeout: 5_000,
    })
    .toContain("bravo");
  const elapsed = Date.now() - imported;
  console.log(`re-import visible to anonymous readers after ${elapsed} ms`);
  expect(elapsed).toBeLessThan(2_500);
});
