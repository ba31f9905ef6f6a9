import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { execute, runScript, signInByLink, uniqueEmail, uniqueIp } from "./helpers";

/**
 * The page cache (server.ts): it serves anonymous readers and, after checking session and
 * entitlement on every request, readers with full access; it refreshes within about a second of a
 * re-import, and never hands out paid text to anyone else.
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
  for (const library of ["/", "/en"]) await page.request.get(library);
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
  for (const library of ["/", "/en"]) {
    await anonymous.get(library);
    const response = await anonymous.get(library);
    expect(response.headers()["x-folio-cache"]).toBe("HIT");
    expect(await response.text()).not.toContain(canary);
  }
  await anonymous.dispose();
});

test("full pages come from the cache only after this request's session and entitlement check", async ({
  browser,
  playwright,
}) => {
  const url = "/d/canary-regions";
  const subscriber = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": uniqueIp() },
  });
  const subscriberPage = await subscriber.newPage();
  const email = uniqueEmail("cache-full");
  await signInByLink(subscriberPage, email);
  runScript("scripts/grant.ts", [email, "--forever"]);
  await subscriberPage.request.get(url);
  const hit = await subscriberPage.request.get(url);
  expect(hit.headers()["x-folio-cache"]).toBe("HIT");
  const full = await hit.text();
  expect(full).toContain(canary);
  expect(full).toContain('data-testid="account-link"');
  expect(full, "rendered for nobody: no reader's address in a shared page").not.toContain(email);

  // A signed-in reader without access goes to Next.js and gets the preview.
  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
  const otherPage = await other.newPage();
  await signInByLink(otherPage, uniqueEmail("cache-none"));
  const preview = await otherPage.request.get(url);
  expect(preview.headers()["x-folio-cache"]).toBeUndefined();
  expect(await preview.text()).not.toContain(canary);

  // The entitlement is read again on every request: revoking it closes the cached page at once.
  runScript("scripts/grant.ts", [email, "--revoke"]);
  expect(await (await subscriberPage.request.get(url)).text()).not.toContain(canary);
  runScript("scripts/grant.ts", [email, "--forever"]);
  expect(await (await subscriberPage.request.get(url)).text()).toContain(canary);

  // So is the session: a new session version (sign out everywhere) ends this one.
  await execute('UPDATE "User" SET "sessionVersion" = "sessionVersion" + 1 WHERE "email" = $1', [
    email,
  ]);
  expect(await (await subscriberPage.request.get(url)).text()).not.toContain(canary);

  // The fill header means nothing from outside: only this process's in-memory credential counts.
  const anonymous = await playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
  });
  for (const value of ["anonymous", "full", Buffer.alloc(32, 7).toString("base64url"), ""]) {
    const response = await anonymous.get(url, { headers: { "x-folio-page-fill": value } });
    expect.soft(await response.text(), `x-folio-page-fill: ${value}`).not.toContain(canary);
  }
  await Promise.all([subscriber.close(), other.close(), anonymous.dispose()]);
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
